"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const input = document.getElementById("photos");
  const progress = document.getElementById("progress");
  const result = document.getElementById("result");
  input.addEventListener("change", function () {
    if (!input.files.length) return;
    const form = new FormData();
    for (const file of input.files) form.append("files", file);
    const request = new XMLHttpRequest();
    request.open("POST", location.pathname.replace(/\/$/, "") + "/upload");
    request.setRequestHeader("X-CSRF-Token", csrf);
    progress.hidden = false;
    progress.value = 0;
    result.textContent = "正在上传……";
    request.upload.onprogress = function (event) {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    };
    request.onload = function () {
      let data = {};
      try { data = JSON.parse(request.responseText); } catch (e) { data = {}; }
      if (request.status >= 200 && request.status < 300) {
        progress.value = 100;
        result.textContent = "已上传 " + data.stored.length + " 张照片：" + data.stored.map(function (s) { return s.name; }).join("、") + "。可以继续选择。";
      } else {
        result.textContent = "上传失败：" + (data.error || request.status);
      }
      input.value = "";
    };
    request.onerror = function () { result.textContent = "上传失败：网络中断，请靠近 Wi-Fi 后重试"; };
    request.send(form);
  });
})();
