// Enrolment by camera: the preview, and one frame taken into the form's own file input (as if uploaded), so the photo
// goes with the form and nowhere else. Without a camera (or this script) the upload works alone.
(function () {
  'use strict';
  var box = document.getElementById('camera');
  if (!box || !navigator.mediaDevices || !window.DataTransfer) { return; }
  var input = document.getElementById('images');
  var video = document.getElementById('preview');
  var start = document.getElementById('camera-start');
  var take = document.getElementById('camera-take');
  var status = document.getElementById('camera-status');
  var stream = null;
  box.hidden = false;

  start.addEventListener('click', async function () {
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    } catch (e) {
      status.textContent = 'The camera could not be opened. Upload a photo instead.';
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    take.hidden = false;
    start.hidden = true;
    status.textContent = 'Camera on. Ask the patient to look at it, then take the photo.';
  });

  take.addEventListener('click', function () {
    var canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    canvas.toBlob(function (blob) {
      var files = new DataTransfer();
      files.items.add(new File([blob], 'camera.jpg', { type: 'image/jpeg' }));
      input.files = files.files;
      stream.getTracks().forEach(function (t) { t.stop(); });
      video.srcObject = null;
      video.hidden = true;
      take.hidden = true;
      start.hidden = false;
      status.textContent = 'Photo taken. Press Check and enrol.';
    }, 'image/jpeg', 0.92);
  });
}());
