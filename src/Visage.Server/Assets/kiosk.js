// The check-in kiosk: camera preview, the liveness instruction, capture, and the result in plain words. Frames go to
// the check-in API (multipart, with the page's CSRF token; the kiosk's key rides in its HttpOnly cookie) and are never
// kept here; every screen can switch to checking in at the desk, and a result clears itself for the next person.
(function () {
  'use strict';
  var root = document.getElementById('kiosk');
  if (!root) { return; }
  var csrf = root.getAttribute('data-csrf') || '';
  var livenessRequired = root.getAttribute('data-liveness') === 'required';
  var clearSeconds = Number(root.getAttribute('data-clear-seconds') || 10);
  var video = document.getElementById('preview');
  var instruction = document.getElementById('instruction');
  var resultTitle = document.getElementById('result-title');
  var resultDetail = document.getElementById('result-detail');
  var resultScreen = document.getElementById('screen-result');
  var screens = ['start', 'camera', 'working', 'result'];
  var frameCount = 8;
  var frameGapMs = 300;
  var stream = null;
  var clearTimer = null;
  var attempt = 0;

  function show(name) {
    screens.forEach(function (s) { document.getElementById('screen-' + s).hidden = s !== name; });
    document.querySelector('#screen-' + name + ' h1').focus();
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.srcObject = null;
  }

  function reset() {
    attempt += 1;
    window.clearTimeout(clearTimer);
    stopCamera();
    resultTitle.textContent = '';
    resultDetail.textContent = '';
    resultScreen.classList.remove('accepted');
    instruction.textContent = 'Look straight at the camera, then press the button.';
    show('start');
  }

  function finish(accepted) {
    attempt += 1;
    stopCamera();
    resultTitle.textContent = accepted ? 'You\u2019re checked in' : 'Please see the front desk';
    resultDetail.textContent = accepted
      ? 'Thank you. Please take a seat; we will call you.'
      : 'A member of staff will check you in. Nothing is wrong.';
    resultScreen.classList.toggle('accepted', accepted);
    show('result');
    window.clearTimeout(clearTimer);
    clearTimer = window.setTimeout(reset, clearSeconds * 1000);
  }

  function post(url, body) {
    return window.fetch(url, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } });
  }

  function frame() {
    var canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    return new Promise(function (resolve) { canvas.toBlob(resolve, 'image/jpeg', 0.92); });
  }

  function wait(ms) { return new Promise(function (resolve) { window.setTimeout(resolve, ms); }); }

  async function start() {
    var mine = attempt;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (e) {
      finish(false);
      return;
    }
    if (mine !== attempt) { stopCamera(); return; }
    video.srcObject = stream;
    show('camera');
  }

  async function capture() {
    var mine = attempt;
    var body = new FormData();
    try {
      var challenge = null;
      if (livenessRequired) {
        var issued = await post('/api/v1/liveness/challenges', null);
        if (!issued.ok) { throw new Error('challenge'); }
        challenge = await issued.json();
        body.append('livenessNonce', challenge.nonce);
      }
      var first = await frame();
      body.append('image', first, 'image.jpg');
      if (challenge) {
        instruction.textContent = challenge.prompt + ', now.';
        body.append('livenessFrames', first, 'frame-0.jpg');
        for (var i = 1; i < frameCount; i++) {
          await wait(frameGapMs);
          body.append('livenessFrames', await frame(), 'frame-' + i + '.jpg');
        }
      }
      if (mine !== attempt) { return; }
      stopCamera();
      show('working');
      var answer = await post('/api/v1/check-ins', body);
      var outcome = answer.ok ? (await answer.json()).outcome : null;
      if (mine === attempt) { finish(outcome === 'accepted'); }
    } catch (e) {
      if (mine === attempt) { finish(false); }
    }
  }

  document.getElementById('start').addEventListener('click', start);
  document.getElementById('capture').addEventListener('click', capture);
  document.getElementById('done').addEventListener('click', reset);
  document.getElementById('desk').addEventListener('click', function () { finish(false); });
})();
