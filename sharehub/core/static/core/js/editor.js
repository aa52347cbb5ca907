/* The rich-text editor (core.widgets.RichTextarea): the vendored Quill on each such textarea.
 *
 * Without this script, or for a text the editor cannot keep (a table, a rule), the textarea stays
 * and takes HTML. With it, the textarea is hidden and always holds the editor's HTML, so the form
 * posts what is shown and the preview button (htmx) previews it. The server cleans whatever
 * arrives; the editor only spares people the HTML.
 *
 * Images go to the hub's upload endpoint with a text alternative the dialog insists on; a pasted
 * or dropped picture opens the same dialog, and pasted images from elsewhere are left out (the
 * server would refuse them). Tab leaves the editor, as it leaves any field.
 */
(function () {
  "use strict";
  var Quill = window.Quill;
  var Delta = Quill ? Quill.import("delta") : null;
  var UNSUPPORTED = /<(table|hr|pre)\b/i;
  var FORMATS = ["header", "bold", "italic", "underline", "strike", "code", "link", "list", "blockquote", "image"];
  var LINK = /^(https?:\/\/[^\s]+|mailto:[^\s]+|\/[^\s]*)$/i;

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function html(quill) {
    if (quill.getLength() <= 1) return "";
    // Quill writes every space as &nbsp;, which would keep lines from wrapping.
    return quill.getSemanticHTML().replace(/&nbsp;/g, " ");
  }

  function dialogError(dialog, input, message, busy) {
    var error = dialog.querySelector(".rich-dialog-error");
    error.textContent = message || "";
    error.classList.toggle("is-busy", !!busy);
    if (input) {
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
      if (message) input.focus();
    }
  }

  function onEnter(input, action) {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        action();
      }
    });
  }

  /* The range of the link around `index`, or null. */
  function linkRange(quill, index) {
    var leaf = quill.getLeaf(index)[0];
    var blot = leaf && leaf.parent;
    while (blot && blot.statics && blot.statics.blotName !== "link") blot = blot.parent;
    if (!blot || !blot.statics || blot.statics.blotName !== "link") return null;
    return { index: quill.getIndex(blot), length: blot.length() };
  }

  /* One stop in the tab order for the whole toolbar; the arrow keys, Home and End move inside it
   * (the ARIA toolbar pattern). */
  function rovingToolbar(toolbar) {
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    buttons.forEach(function (button, index) { button.tabIndex = index === 0 ? 0 : -1; });
    toolbar.addEventListener("keydown", function (event) {
      var index = buttons.indexOf(document.activeElement);
      if (index < 0) return;
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = (next + buttons.length) % buttons.length;
      buttons[index].tabIndex = -1;
      buttons[next].tabIndex = 0;
      buttons[next].focus();
    });
  }

  function setup(box) {
    var textarea = box.querySelector("textarea");
    var form = textarea.form;
    if (!Quill) return;
    if (UNSUPPORTED.test(textarea.value)) {
      box.querySelector(".rich-text-unsupported").hidden = false;
      return;
    }
    var ui = box.querySelector("template.rich-text-ui").content.cloneNode(true);
    var toolbar = ui.querySelector(".rich-toolbar");
    var linkDialog = ui.querySelector(".rich-link-dialog");
    var imageDialog = ui.querySelector(".rich-image-dialog");
    var surface = document.createElement("div");
    surface.className = "rich-surface";
    var frame = document.createElement("div");  // the toolbar stays in view over its text only
    frame.className = "rich-editor";
    frame.append(toolbar, surface);
    box.insertBefore(frame, textarea);
    // Outside the form: their fields are not the form's, and Enter in them submits nothing.
    document.body.append(linkDialog, imageDialog);
    var imagePrefix = box.dataset.imagePrefix;

    var quill = new Quill(surface, {
      formats: FORMATS,
      modules: {
        toolbar: { container: toolbar, handlers: { link: openLink, image: function () { openImage(null); } } },
        keyboard: {
          bindings: {
            tab: false, indent: false, outdent: false, "remove tab": false,
            "indent code-block": false, "outdent code-block": false,
            link: { key: "k", shortKey: true, handler: function () { openLink(); return false; } },
          },
        },
        uploader: {
          mimetypes: ["image/png", "image/jpeg", "image/webp"],
          handler: function (range, files) { openImage(files[0] || null); },
        },
      },
    });
    // Pasted text: the hub's heading levels (the page title is the only h1), no foreign images.
    quill.clipboard.addMatcher(Node.ELEMENT_NODE, function (node, delta) {
      if (node.tagName === "IMG" && (node.getAttribute("src") || "").indexOf(imagePrefix) !== 0) {
        return new Delta();
      }
      if (/^H[1-6]$/.test(node.tagName)) {
        var level = Math.min(Math.max(Number(node.tagName[1]), 2), 3);
        delta.ops.forEach(function (op) {
          if (op.attributes && op.attributes.header) op.attributes.header = level;
        });
      }
      return delta;
    });
    // Not dangerouslyPasteHTML: it would also take the focus.
    quill.setContents(quill.clipboard.convert({ html: textarea.value || "" }), "silent");
    quill.history.clear();

    // The editing surface is the field: named by its label, described by its help and errors.
    var root = quill.root;
    var label = document.querySelector('label[for="' + textarea.id + '"]');
    if (label) {
      label.id = label.id || textarea.id + "_label";
      root.setAttribute("aria-labelledby", label.id);
      label.addEventListener("click", function () { quill.focus(); });
    }
    root.setAttribute("role", "textbox");
    root.setAttribute("aria-multiline", "true");
    ["aria-describedby", "aria-invalid", "lang"].forEach(function (name) {
      if (textarea.hasAttribute(name)) root.setAttribute(name, textarea.getAttribute(name));
    });
    toolbar.setAttribute("aria-controls", textarea.id + "_surface");
    rovingToolbar(toolbar);
    root.id = textarea.id + "_surface";
    textarea.hidden = true;
    box.classList.add("is-enhanced");

    function sync() { textarea.value = html(quill); }
    quill.on("text-change", sync);
    if (form) form.addEventListener("submit", sync, true);

    // --- links -----------------------------------------------------------------------------
    var urlInput = linkDialog.querySelector("input");
    var removeButton = linkDialog.querySelector('[data-action="remove"]');
    var linkTarget = null;

    function openLink() {
      var range = quill.getSelection(true);
      var around = range.length === 0 ? linkRange(quill, range.index) : null;
      linkTarget = around || range;
      var current = quill.getFormat(linkTarget).link || "";
      urlInput.value = current;
      removeButton.hidden = !current;
      dialogError(linkDialog, urlInput, "");
      linkDialog.showModal();
      urlInput.focus();
    }

    function applyLink() {
      var url = urlInput.value.trim();
      if (!LINK.test(url)) {
        dialogError(linkDialog, urlInput, linkDialog.dataset.msgUrl);
        return;
      }
      if (linkTarget.length) {
        quill.formatText(linkTarget.index, linkTarget.length, "link", url, "user");
      } else {
        quill.insertText(linkTarget.index, url, { link: url }, "user");
        linkTarget.length = url.length;
      }
      linkDialog.close();
      quill.setSelection(linkTarget.index + linkTarget.length, 0, "user");
    }

    onEnter(urlInput, applyLink);
    linkDialog.querySelector('[data-action="apply"]').addEventListener("click", applyLink);
    removeButton.addEventListener("click", function () {
      if (linkTarget.length) quill.formatText(linkTarget.index, linkTarget.length, "link", false, "user");
      linkDialog.close();
      quill.setSelection(linkTarget.index, linkTarget.length, "user");
    });
    linkDialog.querySelector('[data-action="cancel"]').addEventListener("click", function () {
      linkDialog.close();
    });
    linkDialog.addEventListener("close", function () { quill.focus(); });

    // --- images ----------------------------------------------------------------------------
    var fileField = imageDialog.querySelector(".rich-image-file");
    var fileInput = imageDialog.querySelector('input[type="file"]');
    var altInput = imageDialog.querySelector('input[type="text"]');
    var insertButton = imageDialog.querySelector('[data-action="apply"]');
    var imageTarget = null;
    var editing = false;

    function openImage(file) {
      imageTarget = quill.getSelection(true);
      var formats = imageTarget.length === 1 ? quill.getFormat(imageTarget) : {};
      var contents = imageTarget.length === 1 ? quill.getContents(imageTarget.index, 1) : null;
      editing = !!(contents && contents.ops[0] && contents.ops[0].insert && contents.ops[0].insert.image);
      fileField.hidden = editing;
      fileInput.value = "";
      if (file && window.DataTransfer) {
        var transfer = new DataTransfer();
        transfer.items.add(file);
        fileInput.files = transfer.files;
      }
      altInput.value = editing ? formats.alt || "" : "";
      dialogError(imageDialog, null, "");
      insertButton.disabled = false;
      imageDialog.showModal();
      (editing || file ? altInput : fileInput).focus();
    }

    function insertImage(url, alt) {
      var at = imageTarget.index;
      if (imageTarget.length) quill.deleteText(at, imageTarget.length, "user");
      quill.updateContents(new Delta().retain(at).insert({ image: url }, { alt: alt }), "user");
      quill.setSelection(at + 1, 0, "user");
    }

    function applyImage() {
      var alt = altInput.value.trim();
      if (!editing && !fileInput.files.length) {
        dialogError(imageDialog, fileInput, imageDialog.dataset.msgFile);
        return;
      }
      if (!alt) {
        dialogError(imageDialog, altInput, imageDialog.dataset.msgAlt);
        return;
      }
      if (editing) {
        quill.formatText(imageTarget.index, 1, "alt", alt, "user");
        imageDialog.close();
        return;
      }
      var body = new FormData();
      body.append("image", fileInput.files[0]);
      insertButton.disabled = true;
      dialogError(imageDialog, null, imageDialog.dataset.msgBusy, true);
      fetch(box.dataset.uploadUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(form), Accept: "application/json" },
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (answer) {
          insertButton.disabled = false;
          if (!answer.ok || !answer.data.url) {
            dialogError(imageDialog, fileInput, answer.data.detail || imageDialog.dataset.msgFailed);
            return;
          }
          imageDialog.close();
          insertImage(answer.data.url, alt);
        })
        .catch(function () {
          insertButton.disabled = false;
          dialogError(imageDialog, fileInput, imageDialog.dataset.msgFailed);
        });
    }

    onEnter(altInput, applyImage);
    insertButton.addEventListener("click", applyImage);
    imageDialog.querySelector('[data-action="cancel"]').addEventListener("click", function () {
      imageDialog.close();
    });
    imageDialog.addEventListener("close", function () { quill.focus(); });
  }

  // After a preview is swapped in, take the reader to it (and a screen reader with them).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.classList && target.classList.contains("rich-preview")) {
      target.focus({ preventScroll: false });
    }
  });

  function start() {
    document.querySelectorAll("[data-rich-text]").forEach(setup);
    // With htmx the preview buttons only fetch their fragment: not submit buttons any more, so
    // Enter in a field of the form saves it (the form's first submit button is its default).
    if (window.htmx) {
      document.querySelectorAll("[data-rich-text] button[name=_preview][data-hx-post]").forEach(
        function (button) { button.type = "button"; }
      );
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
