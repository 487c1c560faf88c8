/* SCIP viewer: images and videos shown full size over the page.
 *
 * Any element with data-viewer opens it on click: the source is data-viewer-src, else the
 * element's own src or href; data-viewer-caption gives the caption; videos are recognised by
 * their tag, data-viewer-type="video" or the file extension. Escape, the close button or a
 * click beside the picture closes it. SCIP.viewer.open(src, {caption, type}) does the same
 * from code.
 */
(function () {
  "use strict";
  var SCIP = (window.SCIP = window.SCIP || {});
  var dialog;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "viewer";
    dialog.setAttribute("aria-label", "Media viewer");
    dialog.innerHTML = '<div class="viewer__bar"><span class="viewer__title"></span>' +
      '<button type="button" class="btn btn--ghost btn--icon" data-close-dialog aria-label="Close">' +
      '<svg class="icon" aria-hidden="true"><use href="#i-x"></use></svg></button></div>' +
      '<div class="viewer__stage"></div><div class="viewer__caption"></div>';
    // A click on the dark area around the picture closes, a click on the picture does not.
    dialog.addEventListener("click", function (e) {
      if (e.target === dialog || e.target.classList.contains("viewer__stage")) dialog.close();
    });
    dialog.addEventListener("close", function () {
      var media = dialog.querySelector("video");
      if (media) media.pause();
    });
    document.body.appendChild(dialog);
  }

  function open(src, options) {
    options = options || {};
    if (!dialog) build();
    var stage = dialog.querySelector(".viewer__stage");
    stage.textContent = "";
    var video = options.type === "video" || /\.(mp4|webm|ogv|mov)(\?|#|$)/i.test(src);
    var media = document.createElement(video ? "video" : "img");
    media.src = src;
    if (video) { media.controls = true; media.autoplay = true; } else { media.alt = options.caption || ""; }
    stage.appendChild(media);
    dialog.querySelector(".viewer__title").textContent = (src.split("/").pop() || "").split("?")[0];
    var caption = dialog.querySelector(".viewer__caption");
    caption.textContent = options.caption || "";
    caption.hidden = !options.caption;
    dialog.showModal();
  }

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest("[data-viewer]");
    if (!trigger) return;
    event.preventDefault();
    open(trigger.getAttribute("data-viewer-src") || trigger.currentSrc || trigger.getAttribute("src") || trigger.getAttribute("href"), {
      caption: trigger.getAttribute("data-viewer-caption") || trigger.getAttribute("alt") || "",
      type: trigger.getAttribute("data-viewer-type") || (trigger.tagName === "VIDEO" ? "video" : "")
    });
  });

  SCIP.viewer = { open: open };
})();
