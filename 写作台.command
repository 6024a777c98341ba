#!/bin/bash
# 写作台 for macOS: double-click in Finder. The first start creates the Python environment
# (.venv, a few minutes, needs Python 3.11+ from python.org); later starts take seconds.
cd "$(dirname "$0")" || exit 1
if [ ! -x .venv/bin/site-builder ]; then
  echo "第一次使用：正在准备运行环境，需要几分钟……"
  PYTHON=$(command -v python3.13 || command -v python3.12 || command -v python3.11 || command -v python3)
  if [ -z "$PYTHON" ] || ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "没有找到 Python 3.11 或更新的版本。请从 https://www.python.org/downloads/ 安装后再双击。"
    read -r -p "按回车键关闭……" _
    exit 1
  fi
  "$PYTHON" -m venv .venv && .venv/bin/python -m pip install --quiet --upgrade pip \
    && .venv/bin/python -m pip install --quiet -c constraints.txt -e . \
    || { echo "安装失败，请检查网络后再双击一次。"; read -r -p "按回车键关闭……" _; exit 1; }
fi
.venv/bin/site-builder studio
status=$?
if [ $status -ne 0 ]; then read -r -p "写作台没有启动（见上面的提示），按回车键关闭……" _; fi
exit $status
