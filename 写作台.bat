@echo off
rem 写作台 for Windows: double-click in Explorer. The first start creates the Python environment
rem (.venv, a few minutes, needs Python 3.11+ from python.org with "Add python.exe to PATH").
chcp 65001 >nul
cd /d "%~dp0"
if exist ".venv\Scripts\site-builder.exe" goto start
echo 第一次使用：正在准备运行环境，需要几分钟……
set "PY=py -3"
%PY% -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && goto create
set "PY=python"
%PY% -c "import sys; sys.exit(sys.version_info < (3, 11))" >nul 2>&1 && goto create
echo 没有找到 Python 3.11 或更新的版本。请从 https://www.python.org/downloads/ 安装（勾选 Add python.exe to PATH）后再双击。
pause
exit /b 1
:create
%PY% -m venv .venv
if errorlevel 1 goto failed
".venv\Scripts\python.exe" -m pip install --quiet --upgrade pip
".venv\Scripts\python.exe" -m pip install --quiet -c constraints.txt -e .
if errorlevel 1 goto failed
:start
".venv\Scripts\site-builder.exe" studio
if errorlevel 1 pause
exit /b
:failed
echo 安装没有完成，请检查网络后再双击一次。
rmdir /s /q .venv
pause
exit /b 1
