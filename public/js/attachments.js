// @ts-check
// Attachments: a preview and a description field for each chosen file; files can also be dropped
// onto the room or pasted. The server decides what a file is; these checks only spare a wasted upload.
// Upload progress shows in a real <progress>, fed by htmx's upload events, with a way to cancel.
import { at, dom } from "./contract.js";
import { composerForm, composerOf, showComposerError } from "./form.js";

/** @type {Map<string, string>} */
const previewUrls = new Map();

/** @param {ParentNode} form */
const filesInput = (form) => /** @type {HTMLInputElement | null} */ (form.querySelector(at(dom.id.composerFiles)));

/** @param {ParentNode} form */
export function chosenFiles(form) {
  return [...(filesInput(form)?.files ?? [])];
}

/** @param {HTMLFormElement} form @param {File[]} files */
export function setFiles(form, files) {
  const input = filesInput(form);
  if (!input) return;
  const list = new DataTransfer();
  for (const file of files) list.items.add(file);
  input.files = list.files;
  encodeFor(form, files.length > 0);
  showPreviews(form);
}

// Multipart only when there are files: a text message stays a small urlencoded post. (Without
// script the form is always multipart, which the server takes too.)
/** @param {HTMLFormElement} form @param {boolean} withFiles */
export function encodeFor(form, withFiles) {
  const encoding = withFiles ? "multipart/form-data" : "application/x-www-form-urlencoded";
  form.setAttribute("enctype", encoding);
  form.setAttribute("hx-encoding", encoding);
}

/** @param {HTMLFormElement} form @param {File} file */
function fileProblem(form, file) {
  const video = file.type.startsWith("video/");
  const limitMb = Number(video ? form.dataset.maxVideoMb : form.dataset.maxImageMb);
  if (file.size > limitMb * 1024 * 1024)
    return `“${file.name}” is larger than the ${limitMb} MB allowed for ${video ? "videos" : "images"}.`;
  return null;
}

/** @param {HTMLFormElement} form @param {File[]} files */
function addFiles(form, files) {
  const max = Number(form.dataset.maxFiles);
  const accepted = [];
  const problems = [];
  for (const file of files) {
    const problem = fileProblem(form, file);
    if (problem) problems.push(problem);
    else accepted.push(file);
  }
  const all = [...chosenFiles(form), ...accepted];
  if (all.length > max) problems.push(`Up to ${max} files can go in one message.`);
  setFiles(form, all.slice(0, max));
  showComposerError(form, problems.join(" "));
}

/** @param {HTMLFormElement} form */
function showPreviews(form) {
  const list = form.querySelector(at(dom.id.composerPreviews));
  if (!list) return;
  const descriptions = new Map([...list.querySelectorAll("li")].map((li) => [li.dataset.key, li.querySelector("input")?.value ?? ""]));
  for (const url of previewUrls.values()) URL.revokeObjectURL(url);
  previewUrls.clear();
  list.replaceChildren();
  chosenFiles(form).forEach((file, index) => {
    const key = `${file.name}:${file.size}:${file.lastModified}`;
    const item = document.createElement("li");
    item.className = "composer-preview";
    item.dataset.key = key;
    const image = !file.type.startsWith("video/");
    const url = URL.createObjectURL(file);
    previewUrls.set(key, url);
    const preview = image ? document.createElement("img") : document.createElement("video");
    preview.src = url;
    if (preview instanceof HTMLImageElement) preview.alt = "";
    else preview.muted = true;
    const name = document.createElement("span");
    name.className = "text-sm";
    name.textContent = file.name;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-secondary";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove ${file.name}`);
    remove.addEventListener("click", () => {
      setFiles(
        form,
        chosenFiles(form).filter((_, i) => i !== index),
      );
      filesInput(form)?.focus();
    });
    // One "alt" per file, in order, so the server can pair them; a video's stays empty.
    const alt = document.createElement("input");
    alt.name = "alt";
    alt.value = descriptions.get(key) ?? "";
    if (image) {
      alt.id = `alt-${index}`;
      alt.className = "input";
      alt.maxLength = 1000;
      const label = document.createElement("label");
      label.htmlFor = alt.id;
      label.className = "text-sm font-medium";
      label.textContent = `Description of ${file.name} (alt text)`;
      item.append(preview, name, remove, label, alt);
    } else {
      alt.type = "hidden";
      item.append(preview, name, remove, alt);
    }
    list.append(item);
  });
}

/** @param {ParentNode} form */
const progressBar = (form) => /** @type {HTMLProgressElement | null} */ (form.querySelector(at(dom.id.uploadProgress)));
/** @param {ParentNode} form */
const uploadStatus = (form) => /** @type {HTMLElement | null} */ (form.querySelector(at(dom.id.uploadStatus)));

export function listen() {
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.id !== dom.id.composerFiles || !input.form) return;
    const files = [...(input.files ?? [])];
    input.value = "";
    setFiles(input.form, []);
    addFiles(input.form, files);
  });
  document.addEventListener("dragover", (event) => {
    if (composerForm() && event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    const form = composerForm();
    if (!(form instanceof HTMLFormElement) || !event.dataTransfer?.files.length) return;
    event.preventDefault();
    addFiles(form, [...event.dataTransfer.files]);
  });
  document.addEventListener("paste", (event) => {
    const form = composerForm();
    const files = [...(event.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
    if (!(form instanceof HTMLFormElement) || files.length === 0) return;
    event.preventDefault();
    addFiles(form, files);
  });

  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = composerOf(event);
    const status = form && uploadStatus(form);
    const bar = form && progressBar(form);
    if (!form || !status || chosenFiles(form).length === 0) return;
    if (bar) bar.value = 0;
    status.hidden = false;
  });
  document.addEventListener("htmx:xhr:progress", (event) => {
    const form = composerOf(event);
    const bar = form && progressBar(form);
    const { lengthComputable, loaded = 0, total = 0 } = /** @type {HtmxEvent} */ (event).detail;
    if (bar && lengthComputable && total > 0) bar.value = Math.round((100 * loaded) / total);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = composerOf(event);
    const status = form && uploadStatus(form);
    if (status) status.hidden = true;
  });
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest(at(dom.id.uploadCancel))) return;
    const form = event.target.closest("form[data-composer]");
    if (form) htmx.trigger(form, "htmx:abort");
  });
  document.addEventListener("htmx:sendAbort", (event) => {
    const form = composerOf(event);
    if (!form) return;
    const status = uploadStatus(form);
    if (status) status.hidden = true;
    showComposerError(form, "Upload cancelled. Your files and text are still here.");
    filesInput(form)?.focus();
  });
}
