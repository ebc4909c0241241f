/* dtbd e-learning: lesson heartbeat (time spent, video position), quiz countdown, SCORM 1.2 player.
   No inline code (CSP). The SCORM runtime is scorm-again (static/vendor/scorm-again, pinned). */
(function () {
  "use strict";

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function post(url, data, keepalive) {
    var body = new URLSearchParams();
    Object.keys(data).forEach(function (k) { if (data[k] !== null && data[k] !== undefined) body.append(k, data[k]); });
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
                        headers: { "X-CSRFToken": csrfToken() } });
  }

  /* Lesson page: every 30 s while visible, the time spent and the video's position. */
  var lesson = document.querySelector("[data-el-lesson][data-learner]");
  if (lesson) {
    var url = lesson.getAttribute("data-heartbeat-url");
    var video = lesson.querySelector("video.el-video");
    var last = Date.now();
    var beat = function (ended, keepalive) {
      var now = Date.now();
      var seconds = Math.round((now - last) / 1000);
      last = now;
      var data = { seconds: document.hidden ? 0 : seconds };
      if (video && isFinite(video.duration)) {
        data.position = Math.floor(ended ? video.duration : video.currentTime);
        data.duration = Math.floor(video.duration);
      }
      return post(url, data, keepalive);
    };
    setInterval(function () { beat(false); }, 30000);
    window.addEventListener("pagehide", function () { beat(false, true); });
    if (video) {
      video.addEventListener("loadedmetadata", function () {
        var start = parseInt(video.getAttribute("data-start") || "0", 10);
        if (start > 0 && start < video.duration - 1) video.currentTime = start;
      }, { once: true });
      video.addEventListener("ended", function () { beat(true); });
      video.addEventListener("seeked", function () { beat(false); });
    }
  }

  /* Quiz countdown: the server's deadline rules; at zero the page reloads and shows the graded attempt. */
  var timer = document.querySelector("[data-el-timer]");
  if (timer) {
    var left = parseInt(timer.getAttribute("data-el-timer"), 10);
    var out = timer.querySelector("strong");
    var end = Date.now() + left * 1000;
    var tick = function () {
      var s = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
      if (s <= 0) { window.location.reload(); return; }
      setTimeout(tick, 1000);
    };
    tick();
  }

  /* SCORM 1.2 player: the runtime API lives in this window (window.API); the package, in the frame, finds it. */
  var player = document.getElementById("scorm-player");
  var frame = document.getElementById("scorm-frame");
  if (player && frame && window.Scorm12API) {
    var status = document.getElementById("scorm-status");
    var api = new window.Scorm12API({
      lmsCommitUrl: player.getAttribute("data-commit-url"),
      autocommit: true,
      autocommitSeconds: 10,
      dataCommitFormat: "json",
      xhrHeaders: { "X-CSRFToken": player.getAttribute("data-csrf") },
      logLevel: 5
    });
    var initial = { core: { student_id: player.getAttribute("data-student-id"),
                            student_name: player.getAttribute("data-student-name") } };
    if (player.getAttribute("data-status")) initial.core.lesson_status = player.getAttribute("data-status");
    if (player.getAttribute("data-location")) initial.core.lesson_location = player.getAttribute("data-location");
    if (player.getAttribute("data-suspend")) initial.suspend_data = player.getAttribute("data-suspend");
    try { api.loadFromJSON(initial, "cmi"); } catch (e) { /* a fresh attempt */ }
    api.on("LMSSetValue.cmi.core.lesson_status", function (element, value) {
      if (status) status.textContent = value;
    });
    window.API = api;
    frame.setAttribute("src", frame.getAttribute("data-src"));
  }
})();
