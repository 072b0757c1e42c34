// The nnscratch playground's page: settings in, frames out. The training runs on the
// server (the library's own estimator); this script only draws what it streams.
"use strict";

const $ = (id) => document.getElementById(id);
const COLORS = ["#d9534f", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const FEATURE_LABELS = {
  "x1": "x₁", "x2": "x₂", "x1^2": "x₁²", "x2^2": "x₂²", "x1*x2": "x₁x₂",
  "sin(x1)": "sin x₁", "sin(x2)": "sin x₂",
};
const FEATURE_FN = {
  "x1": (a, b) => a, "x2": (a, b) => b, "x1^2": (a, b) => a * a, "x2^2": (a, b) => b * b,
  "x1*x2": (a, b) => a * b, "sin(x1)": (a, b) => Math.sin(a), "sin(x2)": (a, b) => Math.sin(b),
};
const ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu"];

const state = {
  options: null,
  session: null,
  run: 0,
  described: null,
  config: null,
  costs: [],          // train cost of every iteration
  metrics: [],        // [iteration, train acc, test acc, test cost]
  frame: null,
  drawPending: false,
  playing: false,
  source: null,
  upload: null,       // {name, plane, n_features, notes} once a CSV was uploaded
  traceTimer: null,
  pictureKey: "",
  configSeq: 0,
  // the settings and control requests, sent one at a time in the order they were asked
  // for (applyConfig() and control() queue on it)
  pending: Promise.resolve(),
  awaitingControl: 0,
  awaitingAction: 0,  // the Play, Pause and One step asked for, not answered yet
  actionSeq: 0,       // numbers them
  controlSeq: 0,
  refusal: null,      // a refused setting's message, kept until settings are sent again
  networkWidth: 0,    // the width the network was drawn for
};

// ------------------------------------------------------------------ messages

function showMessage(text) {
  const box = $("message");
  box.textContent = text;
  box.hidden = false;
}

function clearMessage() {
  // a refused setting's message stays until a setting is sent again: the form still
  // shows the refused value, and the run goes on with the settings it had
  if (state.refusal) {
    showMessage(state.refusal);
    return;
  }
  $("message").hidden = true;
  $("message").textContent = "";
  for (const el of document.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

const UNREACHABLE = "cannot reach the playground's server (it was stopped?): start " +
  "`nnscratch playground` again and reload the page";

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {  // no answer at all: the browser's own words are "Failed to fetch"
    throw new Error(UNREACHABLE);
  }
  const type = response.headers.get("content-type") || "";
  if (!response.ok) {
    let message = `the server answered ${response.status}`;
    let body = {};
    if (type.includes("json")) {
      try { body = await response.json(); message = body.error || message; } catch (e) { /* keep */ }
    }
    const error = new Error(message);
    error.status = response.status;
    error.field = body.field;      // a refused setting: its name in the settings,
    error.problem = body.problem;  // and the message without that name;
    error.problems = body.problems;  // several: each {field, problem, error}
    throw error;
  }
  return response;
}

async function postJSON(path, body) {
  const response = await api(path, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  });
  return response.json();
}

// ------------------------------------------------------------------ the form

function numberOrRaw(el) {
  // a built-in set's Points and Noise, kept while a file is chosen (showFileFacts)
  const text = el.dataset.kept === undefined ? el.value : el.dataset.kept;
  if (text === "") return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}

function buildLayerRows(layers) {
  const box = $("layers");
  box.textContent = "";
  layers.forEach((layer, i) => {
    const row = document.createElement("div");
    row.className = "layer-row";
    const name = document.createElement("span");
    name.textContent = `Layer ${i + 1}`;
    const units = document.createElement("input");
    units.type = "number"; units.min = "1"; units.max = "256"; units.step = "1";
    units.id = `units-${i}`; units.value = layer.units;
    units.setAttribute("aria-label", `Units in hidden layer ${i + 1}`);
    units.dataset.layer = i;
    const act = document.createElement("select");
    act.id = `activation-${i}`;
    act.setAttribute("aria-label", `Activation of hidden layer ${i + 1}`);
    for (const a of ACTIVATIONS) {
      const opt = document.createElement("option");
      opt.value = a; opt.textContent = a;
      act.appendChild(opt);
    }
    act.value = layer.activation;
    row.append(name, units, act);
    box.appendChild(row);
  });
}

function readLayers() {
  const rows = $("layers").querySelectorAll(".layer-row");
  return Array.from(rows, (row) => {
    const units = row.querySelector("input");
    return {units: numberOrRaw(units), activation: row.querySelector("select").value};
  });
}

function readConfig() {
  const features = Array.from(document.querySelectorAll("#features input:checked"),
                              (el) => el.value);
  const test = numberOrRaw($("test_fraction"));
  const dataset = $("dataset").value;
  return {
    dataset,
    n_samples: numberOrRaw($("n_samples")),
    noise: numberOrRaw($("noise")),
    // chosen for blobs and spiral only: the other sets have their own (the server's)
    ...(choosesClasses(dataset) ? {classes: numberOrRaw($("classes"))} : {}),
    test_fraction: typeof test === "number" ? Math.round(test) / 100 : test,
    data_seed: numberOrRaw($("data_seed")),
    features,
    hidden: readLayers(),
    init: $("init").value,
    learning_rate: numberOrRaw($("learning_rate")),
    solver: $("solver").value,
    batch_size: numberOrRaw($("batch_size")),
    alpha: numberOrRaw($("alpha")),
    dropout: numberOrRaw($("dropout")),
    seed: numberOrRaw($("seed")),
  };
}

function choosesClasses(dataset) {
  return Boolean(state.options && state.options.multiclass.includes(dataset));
}

function setField(id, value) {
  // The field being typed in keeps what is typed: an answer to an earlier change can
  // arrive meanwhile, and its value would silently replace the typing (and, the field
  // no longer edited, no change event would send it). Its change event sends it.
  const el = $(id);
  if (value === undefined) return;
  if (el.dataset.kept !== undefined) {  // greyed, showing a file's facts: kept for later
    el.dataset.kept = value === null ? "" : value;
    return;
  }
  if (el === document.activeElement && el.value !== String(value)) return;
  // a number field holds no text (a link's learning rate "abc", or "1e400"): it is
  // left empty, the message says what the link gave
  if (el.type === "number" && value !== null && value !== "" &&
      !Number.isFinite(Number(value))) value = "";
  el.value = value === null ? "" : value;
}

function writeConfig(cfg) {
  setField("dataset", cfg.dataset);
  setField("n_samples", cfg.n_samples);
  setField("noise", cfg.noise);
  setField("classes", cfg.classes);
  setField("test_fraction", Math.round(cfg.test_fraction * 100));
  setField("data_seed", cfg.data_seed);
  for (const el of document.querySelectorAll("#features input")) {
    el.checked = cfg.features.includes(el.value);
  }
  setField("n_layers", cfg.hidden.length);
  if (!$("layers").contains(document.activeElement)) buildLayerRows(cfg.hidden);
  setField("init", cfg.init);
  setField("learning_rate", cfg.learning_rate);
  setField("solver", cfg.solver);
  setField("batch_size", cfg.batch_size === null ? "" : cfg.batch_size);
  setField("alpha", cfg.alpha);
  setField("dropout", cfg.dropout);
  setField("seed", cfg.seed);
  updateFormState();
}

function fitted(select, prefix, name) {
  // ``prefix + name``, shortened in the middle (its start and its ending, the file
  // type, kept) until it fits the select's width (20 px: the arrow and the padding).
  const style = getComputedStyle(select);
  const ctx = document.createElement("canvas").getContext("2d");
  ctx.font = `${style.fontSize} ${style.fontFamily}`;
  const room = select.clientWidth - 20;
  const fits = (text) => room <= 0 || ctx.measureText(text).width <= room;
  if (fits(prefix + name)) return prefix + name;
  for (let keep = name.length - 1; keep > 2; keep--) {
    const tail = Math.floor(keep / 2);
    const text = `${prefix}${name.slice(0, keep - tail)}…${name.slice(name.length - tail)}`;
    if (fits(text)) return text;
  }
  return `${prefix}…`;
}

function nameOption(opt, prefix, name) {
  // A file's name in the data set list: shortened to fit, whole in its tooltip and in
  // the note under the list (updateFormState).
  opt.textContent = fitted($("dataset"), prefix, name);
  opt.title = name;
  opt.dataset.name = name;
}

function updateFormState() {
  const name = $("dataset").value;
  const chosen = $("dataset").selectedOptions[0];
  const file = chosen && chosen.dataset.name;
  const note = $("dataset-note");
  note.hidden = !file;
  note.textContent = file ? `${name === "upload" ? "Uploaded" : "File"}: ` : "";
  for (const part of (file || "").split(/(?<=[_\-.])/)) {  // a line may break after _ - .
    note.append(part, document.createElement("wbr"));
  }
  $("dataset").title = file || (chosen && chosen.title) || "";
  // what the uploaded file holds (its rows are in the greyed Points as well), which
  // of its columns the plane's x₁ and x₂ are, and its classes; then what reading
  // it said: how it was read, labels taken as one class
  const up = name === "upload" && state.upload ? state.upload : null;
  const facts = $("upload-facts");
  facts.hidden = !up;
  if (up) {
    const columns = up.columns || [];
    const rows = `${up.n_samples.toLocaleString("en-US")} rows`;
    const which = up.plane && columns.length === 2
      ? `columns ${columns[0]} (x₁) and ${columns[1]} (x₂)`
      : `${up.n_features} feature columns`;
    const classes = up.class_names || [];
    const output = classes.length === 2 ? ` (the output: the probability of ${classes[1]})` : "";
    facts.textContent = `${rows}; ${which}; classes ${classes.join(", ")}${output}.`;
  }
  const notes = up ? up.notes || [] : [];
  const box = $("upload-notes");
  box.hidden = !notes.length;
  box.textContent = "";
  for (const [i, text] of notes.entries()) {  // one a line, the name above them left out
    const said = text.startsWith(`${state.upload.name}: `) ? text.slice(state.upload.name.length + 2) : text;
    if (i) box.append(document.createElement("br"));
    box.append(said.charAt(0).toUpperCase() + said.slice(1) + ".");
  }
  const multi = state.options && state.options.multiclass.includes(name);
  $("classes").disabled = !multi;
  const builtin = state.options && name in state.options.datasets;
  for (const id of ["noise", "n_samples"]) $(id).disabled = !builtin;
  if (builtin) keepBuiltinFields(false);
  else if (name === "upload") showFileFacts(up && up.n_samples);
  else if (name === "file") showFileFacts(state.options.file && state.options.file.n_samples);
  let plane = builtin;
  if (name === "file") plane = state.options.file && state.options.file.plane;
  if (name === "upload") plane = state.upload && state.upload.plane;
  for (const el of document.querySelectorAll("#features input")) el.disabled = !plane;
  // a --data file with its own test file needs no test part
  $("test_fraction").disabled = name === "file" && state.options.file && state.options.file.has_test;
}

function keepBuiltinFields(keep) {
  // A file has its own rows and no noise: while one is chosen, the greyed Points and
  // Noise show its number of rows and a dash, and the built-in set's values wait in
  // data-kept (read by numberOrRaw, written by setField: a file's run ignores them);
  // they come back with a built-in set.
  for (const id of ["n_samples", "noise"]) {
    const el = $(id);
    if (keep && el.dataset.kept === undefined) el.dataset.kept = el.value;
    if (!keep && el.dataset.kept !== undefined) {
      el.value = el.dataset.kept;
      delete el.dataset.kept;
    }
  }
  $("noise").placeholder = keep ? "—" : "";
}

function showFileFacts(rows) {
  keepBuiltinFields(true);
  $("n_samples").value = rows === undefined || rows === null ? "" : rows;
  $("noise").value = "";
}

// ------------------------------------------------------------------ the URL

const URL_KEYS = {
  dataset: "data", n_samples: "n", noise: "noise", classes: "classes",
  test_fraction: "test", data_seed: "dseed", init: "init", learning_rate: "lr",
  solver: "solver", batch_size: "batch", alpha: "l2", dropout: "dropout", seed: "seed",
};

function configToHash(cfg) {
  const p = new URLSearchParams();
  for (const [key, short] of Object.entries(URL_KEYS)) {
    if (key === "classes" && !choosesClasses(cfg.dataset)) continue;  // the set's own
    // a file's rows are its own and it has no noise: the link gives neither
    if ((key === "n_samples" || key === "noise") &&
        !(state.options && cfg.dataset in state.options.datasets)) continue;
    if (cfg[key] !== null && cfg[key] !== undefined) p.set(short, cfg[key]);
  }
  p.set("features", cfg.features.join(","));
  p.set("layers", cfg.hidden.map((l) => `${l.units}:${l.activation}`).join(","));
  p.set("ipf", $("ipf").value);
  return "#" + p.toString();
}

function hashToConfig(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, ""));
  if (![...p.keys()].length) return null;
  const cfg = {};
  for (const [key, short] of Object.entries(URL_KEYS)) {
    if (!p.has(short)) continue;
    const raw = p.get(short);
    const textual = ["dataset", "init", "solver"].includes(key);
    cfg[key] = textual ? raw : (raw === "" ? null : (Number.isFinite(Number(raw)) ? Number(raw) : raw));
  }
  if (p.has("features")) cfg.features = p.get("features").split(",").filter((s) => s);
  if (p.has("layers")) {
    cfg.hidden = p.get("layers").split(",").filter((s) => s).map((s) => {
      const [units, activation] = s.split(":");
      return {units: Number.isFinite(Number(units)) ? Number(units) : units,
              activation: activation || "relu"};
    });
  }
  if (p.has("ipf")) {
    const ipf = p.get("ipf");
    if ([...$("ipf").options].some((o) => o.value === ipf)) $("ipf").value = ipf;
  }
  return cfg;
}

function linkSetup(defaults, fromUrl) {
  // A link's settings, the defaults for the rest: the number of classes only for the
  // sets that choose it (the others have their own), unless the link gives one.
  const cfg = {...defaults, ...(fromUrl || {})};
  if (!choosesClasses(cfg.dataset) && !(fromUrl && "classes" in fromUrl)) delete cfg.classes;
  // and the set's own noise unless the link gives one (circles 0.1, blobs 1), as the
  // data set menu chooses it
  const noises = state.options.default_noise;
  if (!(fromUrl && "noise" in fromUrl) && noises[cfg.dataset] !== undefined) {
    cfg.noise = noises[cfg.dataset];
  }
  return cfg;
}

function updateLink() {
  if (!state.config) return;
  const hash = configToHash(state.config);
  state.lastHash = hash;
  history.replaceState(null, "", hash);
  $("link").value = location.href;
}

// ------------------------------------------------------------------ sessions

async function startSession(cfg) {
  refuseLocally(cfg);
  const described = await postJSON("/api/sessions", cfg);
  state.session = described.session;
  // the controls that act on the session: disabled in the page until it exists (a
  // click before would be answered 'no such session')
  for (const el of document.querySelectorAll("[data-session]")) el.disabled = false;
  adopt(described);
  openStream();
}

function applyConfig(cfg) {
  // Controls asked for meanwhile wait for it (a value typed, then Play clicked: the
  // change event comes first, and the new run must be the one that plays). One settings
  // request at a time, once the previous one is answered: two sent together (the data
  // set, then the number of classes) could be taken by the server in the other order,
  // and it then trained the earlier settings while the page showed the later ones. And
  // it waits for the controls asked for before it (see control()).
  const seq = ++state.configSeq;
  const send = () => sendConfig(cfg, seq);
  state.pending = state.pending.then(send, send);
  return state.pending;
}

async function sendConfig(cfg, seq) {
  // True when the server took the settings (a new run), false when it refused them, or
  // when newer settings were asked for before these were sent (only those are sent).
  if (seq !== state.configSeq) return false;
  state.refusal = null;
  clearMessage();
  try {
    refuseLocally(cfg);
    const described = await postJSON(`/api/sessions/${state.session}/config`, cfg);
    // newer settings asked for meanwhile: this run is the server's until they are
    // taken (its frames are drawn on its own network), the form keeps the newer ones
    const newest = seq === state.configSeq;
    adopt(described, newest);
    return newest;
  } catch (error) {
    // the form keeps the bad value, marked invalid, and the message stays (Play, One
    // step or a download do not clear it) while the run goes on as it was
    state.refusal = `${settingMessage(error)}; ${REFUSED_RUN}`;
    showMessage(state.refusal);
    markRefused(error);
    return false;
  }
}

function markRefused(error) {
  // every field the server refused, marked invalid
  for (const p of (error.problems && error.problems.length ? error.problems : [error])) {
    const el = fieldElement(p.field);
    if (el) el.setAttribute("aria-invalid", "true");
  }
}

function fieldElement(field) {
  // The form's element of a setting the server names ("learning_rate", "hidden[0].units").
  if (!field) return null;
  const layer = /^hidden\[(\d+)\](?:\.(units|activation))?$/.exec(field);
  if (layer) return $(`${layer[2] || "units"}-${layer[1]}`);
  if (field === "hidden") return $("n_layers");
  const el = document.getElementById(field);
  return el && $("settings").contains(el) ? el : null;
}

function labelOf(el) {
  if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
  if (el.getAttribute("aria-label")) return el.getAttribute("aria-label");
  const legend = el.tagName === "FIELDSET" && el.querySelector("legend");
  return legend ? legend.textContent.trim() : null;
}

const REFUSED_RUN = "training goes on with the previous settings until this is corrected";

function settingMessage(error) {
  // What the learner reads: the form's label, not the setting's name in the settings
  // ("Learning rate must be between …", not "learning_rate must be between …"); every
  // problem the server found, one after the other.
  const problems = error.problems && error.problems.length > 1 ? error.problems : [error];
  return problems.map((p) => problemMessage(p.field, p.problem, p.error || p.message))
    .join("; ");
}

function problemMessage(field, text, fallback) {
  const el = fieldElement(field);
  const layer = /^hidden\[(\d+)\]$/.exec(field || "");
  const label = layer ? `Hidden layer ${Number(layer[1]) + 1}` : (el && labelOf(el));
  if (!label || !text) return fallback;
  let problem = text;
  if (layer) return `${label} ${problem}`;
  const scale = Number(el.dataset.scale || 1);  // the test part is typed in %
  const limits = state.options && state.options.limits[field];
  if (scale !== 1 && Array.isArray(limits) && problem.startsWith("must be between")) {
    const shown = (v) => Number((v * scale).toPrecision(12));
    problem = `must be between ${shown(limits[0])} and ${shown(limits[1])}, got ${el.value}`;
  }
  // an empty field, unless the server got a value the field cannot show (a link's
  // learning rate "abc": a number field holds no text, so it reads as empty; a link's
  // data set 'file' is no choice of the list, which reads as empty too: a list is never
  // emptied by hand)
  const got = /, got (.*)$/.exec(problem);
  const sentEmpty = !got || got[1] === "None" || got[1] === "''";
  if (el.value === "" && sentEmpty && el.tagName !== "SELECT") {
    problem = `${problem.replace(/, got .*$/, "")} (the field is empty)`;
  }
  return `${label} ${plainNumbers(problem)}`;
}

function plainNumbers(text) {
  // The server writes its bounds as Python's :g does ("1e-06"): the page writes them as a
  // learner reads them ("between 0.000001 and 100"), with the thousands grouped. A value
  // quoted is text as it was sent (a link's '1e400'): kept as it is, not read as a number.
  return text.split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/).map((part, i) => i % 2 ? part :
    part.replace(/(^|[^\w.])(-?\d+(?:\.\d+)?e[+-]?\d+)(?![\w.])/gi, (_, before, number) =>
      before + Number(number).toLocaleString("en-US", {maximumSignificantDigits: 15}))).join("");
}

// ------------------------------------------------------------------ settings checked here

// The settings' problems the page can see by itself, in the server's words (config.py's
// checks, with the choices and limits of /api/options): a setting the server would
// refuse is refused without a request, whose 422 the browser logged as a console
// error. The server still checks everything, and alone judges a data set 'file' or
// 'upload' that is not there, a file's classes, the network's size and its time.

function pyRepr(text) {
  // a text as Python's repr() quotes it
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let body = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  if (quote === "'") body = body.replace(/'/g, "\\'");
  return quote + body + quote;
}

function pyG(v) {
  // a number as Python's format(v, "g") writes it: "1e-06", "0.9", "1.23457e+08"
  if (v === 0) return "0";
  const [mantissa, e] = v.toExponential(5).split("e");
  const exp = Number(e);
  const trim = (s) => s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  if (exp < -4 || exp >= 6) {
    return `${trim(mantissa)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return trim(v.toFixed(Math.max(0, 5 - exp)));
}

function pyShown(v, whole = false) {
  // a value as the server's messages show it (config.py's _shown); ``whole``: read as
  // a whole number, as a whole-number setting reads 1e21
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    // JSON writes a whole number below 1e21 without a point: Python reads an int
    if (Number.isInteger(v) && (whole || Math.abs(v) < 1e21)) {
      if (Math.abs(v) >= 1e15) {
        const digits = (Math.floor(Math.log2(Math.abs(v))) + 1) * 0.30103 + 1;
        return `a number of about ${digits.toFixed(0)} digits`;
      }
      return v.toLocaleString("en-US");
    }
    return pyG(v);
  }
  const text = typeof v === "string" ? pyRepr(v) : JSON.stringify(v);
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}

function localProblems(cfg) {
  // [] when the page sees no problem, null when only the server can judge the settings
  // (its words for them are its own), else the problems, as the server lists them
  const o = state.options;
  const L = o.limits;
  // what JSON sends (no undefined), the defaults for the rest, as the server reads it
  const raw = Object.fromEntries(Object.entries(cfg).filter(([, v]) => v !== undefined));
  cfg = {...o.defaults, ...raw};
  const problems = [];
  const refuse = (key, problem, field) => {
    problems.push({error: `${key} ${problem}`, field: field || key, problem});
    return false;
  };
  const isNumber = (v) => typeof v === "number" && Number.isFinite(v);
  const number = (key, [low, high]) => {
    const v = cfg[key];
    if (!isNumber(v)) return refuse(key, `must be a number, got ${pyShown(v)}`);
    if (v < low || v > high) {
      return refuse(key, `must be between ${pyG(low)} and ${pyG(high)}, got ${pyShown(v)}`);
    }
    return true;
  };
  const integer = (v, key, [low, high], field) => {
    if (!isNumber(v) || !Number.isInteger(v)) {
      return refuse(key, `must be a whole number, got ${pyShown(v)}`, field);
    }
    if (v < low || v > high) {
      return refuse(key, `must be between ${low.toLocaleString("en-US")} and ` +
                         `${high.toLocaleString("en-US")}, got ${pyShown(v, true)}`, field);
    }
    return true;
  };
  const choice = (v, key, choices, field) => (typeof v === "string" && choices.includes(v)) ||
    refuse(key, `must be one of ${choices.join(", ")}, got ${pyShown(v)}`, field);

  const extra = [...(o.file ? ["file"] : []), ...(state.upload ? ["upload"] : [])];
  if (["file", "upload"].includes(cfg.dataset) && !extra.includes(cfg.dataset)) return null;
  const known = choice(cfg.dataset, "dataset", [...Object.keys(o.datasets), ...extra]);
  integer(cfg.n_samples, "n_samples", L.n_samples);
  if (raw.noise !== null && raw.noise !== undefined) number("noise", L.noise);
  if (known && o.multiclass.includes(cfg.dataset)) {
    integer(cfg.classes, "classes", L.classes);
  } else if (known && "classes" in raw && raw.classes !== null) {
    if (!(cfg.dataset in o.datasets)) return null;  // a file's own classes: the server's
    if (raw.classes !== 2) {
      refuse("classes", `must be 2 for ${cfg.dataset} (only ${o.multiclass.join(" and ")} ` +
                        `take ${L.classes[0]} to ${L.classes[1]} classes), got ` +
                        `${pyShown(raw.classes)}`);
    }
  }
  number("test_fraction", L.test_fraction);
  integer(cfg.data_seed, "data_seed", L.seed);
  const features = cfg.features;
  if (!Array.isArray(features) || !features.every((f) => typeof f === "string")) {
    refuse("features", "must be a list of feature names");
  } else if (features.every((f) => choice(f, "each feature", o.features, "features"))) {
    const twice = [...new Set(features.filter((f, i) => features.indexOf(f) !== i))].sort();
    if (!features.length) refuse("features", "must not be empty: choose at least one");
    else if (twice.length) {
      refuse("features", `must name each feature once, got ${pyShown(twice[0])} twice`);
    }
  }
  const hidden = cfg.hidden;
  if (!Array.isArray(hidden)) {
    refuse("hidden", "must be a list of layers");
  } else if (hidden.length > L.hidden_layers) {
    refuse("the number of hidden layers", `must be between 0 and ${L.hidden_layers}, got ` +
           `${hidden.length.toLocaleString("en-US")}`, "hidden");
  } else {
    hidden.forEach((layer, i) => {
      const keys = layer && typeof layer === "object" ? Object.keys(layer).sort().join() : "";
      if (keys !== "activation,units") {
        refuse(`hidden layer ${i + 1}`, "must be an object with units and activation",
               `hidden[${i}]`);
      } else if (integer(layer.units, `the units of hidden layer ${i + 1}`, L.units,
                         `hidden[${i}].units`)) {
        choice(layer.activation, `the activation of hidden layer ${i + 1}`, o.activations,
               `hidden[${i}].activation`);
      }
    });
  }
  choice(cfg.init, "init", o.inits);
  number("learning_rate", L.learning_rate);
  choice(cfg.solver, "solver", o.solvers);
  if (cfg.batch_size !== null && cfg.batch_size !== "") {
    integer(cfg.batch_size, "batch_size", L.batch_size);
  }
  number("alpha", L.alpha);
  number("dropout", L.dropout);
  integer(cfg.seed, "seed", L.seed);
  if (!problems.length && cfg.dataset in o.datasets) {
    // the stratified split needs a point of each class in each part (config.py's
    // _check_split)
    const n = cfg.n_samples, k = o.multiclass.includes(cfg.dataset) ? cfg.classes : 2;
    const fits = (m) => {
      const test = Math.ceil(m * cfg.test_fraction);
      return Math.min(test, m - test) >= k;
    };
    if (!fits(n)) {
      let need = n + 1;
      while (need < L.n_samples[1] && !fits(need)) need += 1;
      refuse("n_samples", `must be at least ${need.toLocaleString("en-US")} to hold out a ` +
             `stratified test fraction of ${pyG(cfg.test_fraction)} with ${k} classes (each ` +
             `part needs a point of each class), got ${pyShown(n)}: use more points or ` +
             "another test fraction");
    }
  }
  return problems;
}

function refuseLocally(cfg) {
  // throws what api() throws for the server's 422, when the page sees a problem
  const problems = localProblems(cfg);
  if (!problems || !problems.length) return;
  const error = new Error(problems.map((p) => p.error).join("; "));
  error.status = 422;
  error.field = problems[0].field;
  error.problem = problems[0].problem;
  if (problems.length > 1) error.problems = problems;
  throw error;
}

function resetCurves(run) {
  state.run = run;
  state.controlSeq = 0;
  state.costs = [];
  state.metrics = [];
  state.frame = null;
  state.pictureKey = "";
}

function adopt(described, showSettings = true) {
  if (described.run > state.run) resetCurves(described.run);
  state.described = described;
  state.config = described.config;
  if (showSettings) writeConfig(described.config);
  $("ipf").value = String(described.iterations_per_frame);
  const net = described.network;
  $("output-note").textContent = net.output === "sigmoid"
    ? "Output: one sigmoid unit (two classes)"
    : `Output: softmax over ${net.sizes[net.sizes.length - 1]} classes`;
  const kind = described.data.kind;
  $("plane-view").hidden = kind !== "plane";
  $("hover-note").hidden = kind !== "plane";  // pictures' units draw no plane to enlarge
  $("pictures-view").hidden = kind !== "images";
  $("download-csv").disabled = kind === "images";
  // a new run is paused; a Play pressed meanwhile shows until its own answer comes
  if (!state.awaitingAction) setPlaying(false);
  buildNetwork();
  updateLink();
  scheduleDraw();
  scheduleTrace(false);
}

function openStream() {
  if (state.stream) state.stream.close();
  const source = new EventSource(`/api/sessions/${state.session}/stream`);
  source.onmessage = (event) => onMessage(JSON.parse(event.data));
  source.onerror = () => {
    if (state.stream !== source) return;
    // EventSource reconnects by itself, unless the server refused the stream: it no
    // longer knows this tab (closed while the tab slept, or the server restarted)
    if (source.readyState === EventSource.CLOSED) {
      sessionGone();
      return;
    }
    // the stream broke and the browser tries again: ask the server whether it is there
    probeServer(source);
  };
  source.onopen = () => {
    if (state.stream === source && state.unreachable) {
      state.unreachable = false;
      clearMessage();
    }
  };
  state.stream = source;
}

function sessionGone() {
  setPlaying(false);
  showMessage("the playground's server closed this tab's session (the server was " +
              "restarted, or the tab was asleep): reload the page");
}

async function probeServer(source) {
  try {
    await api(`/api/sessions/${state.session}/state`);
  } catch (error) {
    if (state.stream !== source) return;
    if (error.status === 404) {  // a server, but not the one that knew this tab
      source.close();
      sessionGone();
    } else if (!error.status) {  // no answer at all: the server was stopped
      state.unreachable = true;
      setPlaying(false);
      showMessage(UNREACHABLE);
    }
  }
}

function onMessage(msg) {
  if (msg.run < state.run) return;
  if (msg.run > state.run) resetCurves(msg.run);
  if (msg.metrics) state.metrics = msg.metrics.slice();
  if (msg.costs_from <= state.costs.length) {
    const skip = state.costs.length - msg.costs_from;
    for (let i = skip; i < msg.costs.length; i++) state.costs.push(msg.costs[i]);
  }
  const frame = msg.frame;
  if (frame) {
    if (!msg.metrics && frame.train_accuracy !== undefined) {
      const last = state.metrics[state.metrics.length - 1];
      if (!last || last[0] !== frame.iteration) {
        state.metrics.push([frame.iteration, frame.train_accuracy, frame.test_accuracy, frame.test_cost]);
      }
    }
    state.frame = frame;
    if (frame.error) { showMessage(frame.error); setPlaying(false); }
    else if (frame.message) { showMessage(frame.message); setPlaying(false); }
    // a frame drawn before our last Play/Pause must not flip the button back
    const current = !state.awaitingControl && (frame.control ?? 0) >= state.controlSeq;
    if (current && frame.state === "paused" && state.playing) setPlaying(false);
    if (frame.state === "paused") scheduleTrace(false);
  }
  markStaleTrace();
  scheduleDraw();
}

function markStaleTrace() {
  // While training, the glass box still shows the step it last traced: say which,
  // rather than let an old cost pass for the current one.
  const shown = state.traceIteration;
  const now = state.frame ? state.frame.iteration : 0;
  const stale = shown !== undefined && shown !== null && now !== shown;
  $("trace").classList.toggle("stale", stale);
  $("trace-stale").hidden = !stale;
  if (stale) {
    const over = runOver();
    $("trace-stale").textContent = `Below: the step of iteration ${shown.toLocaleString("en-US")}; ` +
      `the network is at iteration ${now.toLocaleString("en-US")}. ` +
      (over === "failed" ? "The run failed there: change a setting or press Reset to trace again."
        : over === "over" ? "The run is over: press Show this step to trace its last one."
        : "Pause, press One step or Show this step to trace the current one.");
  }
}

// ------------------------------------------------------------------ transport

function runOver() {
  // The run ended for good (it diverged, or reached the last iteration): only a new
  // setting or Reset trains again.
  const frame = state.frame;
  return frame ? (frame.error ? "failed" : (frame.message ? "over" : null)) : null;
}

function setPlaying(playing) {
  const over = runOver();
  if (over) playing = false;  // a control answered before its run's last frame arrived
  state.playing = playing;
  const button = $("play");
  button.textContent = playing ? "Pause" : "Play";
  button.setAttribute("aria-pressed", String(playing));
  button.classList.toggle("playing", playing);
  $("run-state").textContent = playing ? "training" : (over || "paused");
}

function control(body) {
  // One request at a time, settings and controls in the order they were asked for:
  // Play then Pause sent together could reach the server as Pause then Play, and it
  // trained on; and Play, then a setting changed while Play was on its way, could reach
  // the server as the settings then Play: the server played the new run while the page,
  // its answer set aside (a run it did not know yet), showed that run paused.
  state.awaitingControl += 1;
  const action = body.action ? ++state.actionSeq : null;
  if (action !== null) state.awaitingAction += 1;
  const send = () => sendControl(body, action);
  const answered = state.pending.then(send, send);
  state.pending = answered;
  return answered;
}

async function sendControl(body, action) {
  try {
    clearMessage();
    const result = await postJSON(`/api/sessions/${state.session}/control`, body);
    if (result.run === state.run) {
      state.controlSeq = Math.max(state.controlSeq, result.control);
      // the button shows what the server does, unless Play, Pause or One step was
      // pressed again meanwhile (its own answer comes next)
      if (action !== null && action === state.actionSeq) setPlaying(result.state === "playing");
    }
    return result;
  } catch (error) {
    showMessage(error.message);
    setPlaying(false);
    return null;
  } finally {
    state.awaitingControl -= 1;
    if (action !== null) state.awaitingAction -= 1;
  }
}

// ------------------------------------------------------------------ drawing

function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  requestAnimationFrame(() => { state.drawPending = false; draw(); });
}

function formatNumber(v, digits = 4) {
  return v === null || v === undefined ? "–" : Number(v).toFixed(digits);
}

function draw() {
  const frame = state.frame;
  const iteration = frame ? frame.iteration : 0;
  $("iteration").textContent = `iteration ${iteration.toLocaleString("en-US")}`;
  // a model and its snippet exist from the first iteration on (before, the server
  // answered "train at least one iteration first")
  if (state.session) {
    for (const id of ["download-model", "show-snippet"]) {
      $(id).disabled = iteration === 0;
      $(id).title = iteration === 0 ? "Train at least one iteration first (One step or Play)" : "";
    }
  }
  if (frame) {
    $("train-cost").textContent = formatNumber(frame.train_cost);
    $("test-cost").textContent = formatNumber(frame.test_cost);
    $("train-accuracy").textContent = frame.train_accuracy === undefined ? "–" : `${(100 * frame.train_accuracy).toFixed(1)} %`;
    $("test-accuracy").textContent = frame.test_accuracy === undefined ? "–" : `${(100 * frame.test_accuracy).toFixed(1)} %`;
  }
  drawBoundary();
  drawCharts();
  updateNetwork();
  drawPictures();
}

function b64bytes(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function hexRGB(hex) {
  return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
}

function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width, h = canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [ctx, w, h];
}

const boundaryImage = document.createElement("canvas");
boundaryImage.width = 100; boundaryImage.height = 100;

function drawBoundary() {
  const described = state.described;
  if (!described || described.data.kind !== "plane") return;
  const canvas = $("boundary");
  const [ctx, w, h] = fitCanvas(canvas);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  const frame = state.frame;
  const discrete = $("discretize").checked;
  if (frame && frame.boundary) {
    const img = boundaryImage.getContext("2d").createImageData(100, 100);
    const px = img.data;
    if (frame.boundary.p) {
      const p = b64bytes(frame.boundary.p);
      const c0 = hexRGB(COLORS[0]), c1 = hexRGB(COLORS[1]);
      for (let i = 0; i < p.length; i++) {
        let t = p[i] / 255;
        if (discrete) t = t > 0.5 ? 1 : 0;
        const c = t >= 0.5 ? c1 : c0;
        const strength = Math.abs(t - 0.5) * 2 * 0.55;
        for (let k = 0; k < 3; k++) px[4 * i + k] = Math.round(255 + (c[k] - 255) * strength);
        px[4 * i + 3] = 255;
      }
    } else {
      const cls = b64bytes(frame.boundary.class), conf = b64bytes(frame.boundary.confidence);
      const k0 = described.data.class_names.length;
      for (let i = 0; i < cls.length; i++) {
        const c = hexRGB(COLORS[cls[i] % COLORS.length]);
        let strength = discrete ? 0.45 : Math.max(0, (conf[i] / 255 - 1 / k0) / (1 - 1 / k0)) * 0.6;
        for (let k = 0; k < 3; k++) px[4 * i + k] = Math.round(255 + (c[k] - 255) * strength);
        px[4 * i + 3] = 255;
      }
    }
    boundaryImage.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = !discrete;
    ctx.drawImage(boundaryImage, 0, 0, w, h);
  }
  const [x0, x1, y0, y1] = described.data.extent;
  const sx = (x) => (x - x0) / (x1 - x0) * w;
  const sy = (y) => (y1 - y) / (y1 - y0) * h;
  const point = (p, hollow) => {
    ctx.beginPath();
    ctx.arc(sx(p[0]), sy(p[1]), 3.2, 0, 2 * Math.PI);
    if (hollow) {
      ctx.fillStyle = "#fff"; ctx.fill();
      ctx.lineWidth = 2; ctx.strokeStyle = COLORS[p[2] % COLORS.length]; ctx.stroke();
    } else {
      ctx.fillStyle = COLORS[p[2] % COLORS.length]; ctx.fill();
      ctx.lineWidth = 1; ctx.strokeStyle = "#fff"; ctx.stroke();
    }
  };
  for (const p of described.data.train) point(p, false);
  if ($("show-test").checked) for (const p of described.data.test) point(p, true);
  ctx.font = "11px system-ui, sans-serif";
  planeLabel(ctx, `x₁ ${x0.toFixed(1)} … ${x1.toFixed(1)}`, 6, h - 6);
  ctx.save();
  ctx.translate(12, h - 80);
  ctx.rotate(-Math.PI / 2);
  planeLabel(ctx, `x₂ ${y0.toFixed(1)} … ${y1.toFixed(1)}`, 0, 0);
  ctx.restore();
  const names = described.data.class_names;
  names.slice(0, 6).forEach((name, i) => {
    ctx.fillStyle = COLORS[i % COLORS.length];
    ctx.fillRect(w - 90, 8 + i * 15, 10, 10);
    planeLabel(ctx, String(name).slice(0, 12), w - 76, 17 + i * 15);
  });
}

function planeLabel(ctx, text, x, y) {
  // dark text on a light box: readable over the red and the blue of the map
  const width = ctx.measureText(text).width;
  ctx.fillStyle = "rgba(255, 255, 255, 0.8)";
  ctx.fillRect(x - 2, y - 10, width + 4, 13);
  ctx.fillStyle = "#222";
  ctx.fillText(text, x, y);
}

function drawChart(canvas, series, {yMax = null, yMin = 0, label = ""} = {}) {
  const [ctx, w, h] = fitCanvas(canvas);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  const left = 44, right = 8, top = 16, bottom = 18;
  const xs = series.flatMap((s) => s.points.length ? [s.points[s.points.length - 1][0]] : []);
  const xMax = Math.max(1, ...xs);
  let hi = yMax;
  if (hi === null) {
    hi = 0;
    for (const s of series) for (const p of s.points) if (Number.isFinite(p[1])) hi = Math.max(hi, p[1]);
    hi = hi > 0 ? hi * 1.05 : 1;
  }
  const X = (x) => left + (x / xMax) * (w - left - right);
  const Y = (y) => top + (1 - (y - yMin) / (hi - yMin)) * (h - top - bottom);
  ctx.strokeStyle = "#ccd2da"; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, h - bottom); ctx.lineTo(w - right, h - bottom); ctx.stroke();
  ctx.fillStyle = "#555"; ctx.font = "10px system-ui, sans-serif";
  // the top of the axis in at most 6 characters (a diverging cost reaches 1e+111)
  ctx.fillText(hi < 10 ? hi.toFixed(2) : (hi < 1e5 ? hi.toFixed(0) : hi.toExponential(0)), 4, top + 4);
  ctx.fillText(yMin.toFixed(2), 4, h - bottom);
  // the iterations: 0 at the axis's start, the last one at its end
  ctx.fillText("0", left - 3, h - 4);
  ctx.textAlign = "right";
  ctx.fillText(`${xMax.toLocaleString("en-US")}`, w - right, h - 4);
  ctx.textAlign = "left";
  ctx.fillText(label, left + 4, 11);
  let lx = left + 4 + ctx.measureText(label).width + 12;
  for (const s of series) {
    ctx.strokeStyle = s.color; ctx.lineWidth = 1.6;
    ctx.beginPath();
    let drawn = 0, only = null;
    for (const [x, y] of s.points) {
      if (!Number.isFinite(y)) continue;
      const py = Math.max(top, Math.min(h - bottom, Y(y)));
      if (!drawn) ctx.moveTo(X(x), py); else ctx.lineTo(X(x), py);
      drawn += 1;
      only = [X(x), py];
    }
    ctx.stroke();
    if (drawn === 1) {  // one point makes no line: a dot (the train cost after one step)
      ctx.fillStyle = s.color;
      ctx.beginPath();
      ctx.arc(only[0], only[1], 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = s.color;
    ctx.fillRect(lx, 4, 10, 8);
    ctx.fillStyle = "#333";
    ctx.fillText(s.name, lx + 13, 11);
    lx += ctx.measureText(s.name).width + 26;
  }
}

function sampled(values, most = 600) {
  const n = values.length, step = Math.max(1, Math.floor(n / most)), out = [];
  for (let i = 0; i < n; i += step) out.push([i, values[i]]);
  if (n && out[out.length - 1][0] !== n - 1) out.push([n - 1, values[n - 1]]);
  return out;
}

function drawCharts() {
  const metrics = state.metrics;
  const test = metrics.filter((m) => m[3] !== null).map((m) => [m[0], m[3]]);
  drawChart($("cost-chart"), [
    {name: "train", color: "#1f5fbf", points: sampled(state.costs)},
    {name: "test", color: "#e8772e", points: test},
  ], {label: "cost"});
  drawChart($("accuracy-chart"), [
    {name: "train", color: "#1f5fbf", points: metrics.map((m) => [m[0], m[1]])},
    {name: "test", color: "#e8772e", points: metrics.map((m) => [m[0], m[2]])},
  ], {label: "accuracy", yMax: 1, yMin: 0});
}

// -- the network

// The network's drawing: 16 units a column at most, 44 px apart at most, in at most
// NETWORK_HEIGHT px; the drawing is as tall as its tallest column (a small network
// leaves no empty band above and below it).
const NETWORK_HEIGHT = 380;
const unitStep = (n) => Math.min(44, (NETWORK_HEIGHT - 40) / Math.max(1, n));
const unitSize = (n) => Math.max(12, Math.min(34, unitStep(n) - 4));

function buildNetwork() {
  const box = $("network");
  box.textContent = "";
  const described = state.described;
  const net = described.network;
  const plane = described.data.kind === "plane";
  const columns = [];
  const inputs = net.sizes[0];
  const names = described.data.feature_names;
  const wideInput = inputs > 16;
  columns.push(wideInput ? [{label: `${inputs.toLocaleString("en-US")} inputs`}]
    : names.slice(0, inputs).map((n) => ({label: FEATURE_LABELS[n] || n, feature: described.config.features.includes(n) && plane ? n : null})));
  for (let l = 1; l < net.sizes.length; l++) {
    const n = net.sizes[l];
    const shown = Math.min(n, 16);
    const col = [];
    for (let j = 0; j < shown; j++) col.push({layer: l, unit: j});
    if (n > shown) col.more = n - shown;
    columns.push(col);
  }
  const nCols = columns.length;
  const tallest = Math.max(...columns.map((col) => (col.length - 1) * unitStep(col.length) +
                                                   unitSize(col.length)));
  // titles above (28 px), 14 px below; a wide input's label under its box
  const height = Math.min(NETWORK_HEIGHT, Math.max(wideInput ? 100 : 90, Math.ceil(tallest + 42)));
  box.style.height = `${height}px`;
  const width = box.clientWidth || 420;
  state.networkWidth = box.clientWidth;
  const svgNS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNS, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("aria-hidden", "true");
  box.appendChild(svg);
  // The input labels sit right-aligned to the left of their boxes: the drawing's left
  // margin grows to the longest one (a CSV column name), up to a third of the width;
  // a longer name is cut with an ellipsis and whole in its tooltip.
  const inputLabels = wideInput ? [] : columns[0].map((node) => {
    const text = document.createElement("span");
    text.className = "label input-label";
    text.textContent = node.label;
    text.title = node.label;
    text.style.maxWidth = `${Math.round(width / 3)}px`;
    box.appendChild(text);
    return text;
  });
  const inputBox = unitSize(columns[0].length);
  const longest = Math.max(0, ...inputLabels.map((t) => t.getBoundingClientRect().width));
  const left = Math.max(60, Math.ceil(longest + inputBox / 2 + 8));
  const xOf = (c) => left + (c / Math.max(1, nCols - 1)) * (width - left - 50);
  const gap = nCols > 1 ? xOf(1) - xOf(0) : width;
  // a unit is never wider than 60 % of the space between columns: many layers in a
  // phone's width had neighbouring columns touch, their links hidden
  const sizeOf = (n) => Math.min(unitSize(n), Math.max(10, Math.floor(0.6 * gap)));
  const nodes = columns.map((col, c) => col.map((node, j) => {
    const y = 7 + height / 2 + (j - (col.length - 1) / 2) * unitStep(col.length);
    return {...node, x: xOf(c), y, size: sizeOf(col.length)};
  }));
  state.net = {svg, nodes, links: [], units: [], outputs: []};
  for (let c = 1; c < nCols; c++) {
    const links = [];
    for (const b of nodes[c]) {
      for (const a of nodes[c - 1]) {
        const path = document.createElementNS(svgNS, "line");
        path.setAttribute("x1", a.x + a.size / 2); path.setAttribute("y1", a.y);
        path.setAttribute("x2", b.x - b.size / 2); path.setAttribute("y2", b.y);
        path.setAttribute("stroke", "#bbb"); path.setAttribute("stroke-width", "1");
        svg.appendChild(path);
        links.push({path, from: nodes[c - 1].indexOf(a), to: nodes[c].indexOf(b)});
      }
    }
    state.net.links.push(links);
  }
  nodes.forEach((col, c) => {
    col.forEach((node, j) => {
      const isOutput = c === nCols - 1;
      if (c === 0 || plane) {
        const canvas = document.createElement("canvas");
        canvas.width = 50; canvas.height = 50;
        canvas.className = "unit";
        canvas.style.width = canvas.style.height = `${node.size}px`;
        canvas.style.left = `${node.x - node.size / 2}px`;
        canvas.style.top = `${node.y - node.size / 2}px`;
        canvas.tabIndex = 0;
        canvas.setAttribute("role", "img");  // named below: what a screen reader says
        if (c === 0) {
          canvas.setAttribute("aria-label", `input ${node.label}`);
          canvas.title = node.label;
          if (node.feature) drawFeature(canvas, node.feature);
        } else if (isOutput) {  // the network's output over the plane
          const names = described.data.class_names;
          const text = net.output === "sigmoid"
            ? `output: the probability of ${names[1]}`
            : `output unit ${node.unit + 1}: the probability of ${names[node.unit]}`;
          canvas.setAttribute("aria-label", text);
          canvas.title = text;
          canvas.dataset.output = node.unit;
          state.net.outputs.push(canvas);
        } else {
          canvas.setAttribute("aria-label", `hidden layer ${node.layer}, unit ${node.unit + 1}`);
          canvas.title = `layer ${node.layer}, unit ${node.unit + 1}`;
          canvas.dataset.layer = node.layer;
          canvas.dataset.unit = node.unit;
          state.net.units.push(canvas);
        }
        box.appendChild(canvas);
      } else {
        const circle = document.createElementNS(svgNS, "circle");
        circle.setAttribute("cx", node.x); circle.setAttribute("cy", node.y); circle.setAttribute("r", Math.max(5, node.size / 2 - 3));
        circle.setAttribute("fill", isOutput ? "#f0f3f7" : "#fff");
        circle.setAttribute("stroke", "#8893a3");
        circle.classList.add("node");
        svg.appendChild(circle);
      }
      if (c === 0 && wideInput) {  // one box for all the pixels: its label under it
        const text = document.createElement("span");
        text.className = "label";
        text.textContent = node.label;
        text.style.left = `${node.x - 17}px`;
        text.style.top = `${node.y + node.size / 2 + 1}px`;
        box.appendChild(text);
      } else if (c === 0) {
        const text = inputLabels[j];
        text.style.left = `${node.x - node.size / 2 - 4}px`;
        text.style.top = `${node.y - 8}px`;
        text.style.transform = "translateX(-100%)";
        box.appendChild(text);  // after the boxes: never under one
      }
    });
    // each column's labels centred on it; where the columns stand closer than a label
    // is wide (many layers, a narrow window), a hidden layer's title takes two lines
    // ("256" over "relu") and "+240 more" becomes "+240", whole in their tooltips; the
    // output's title then starts half a gap left of its column, running into the margin
    const title = document.createElement("span");
    title.className = "label layer-title";
    const n = described.network.sizes[c];
    const hidden = c > 0 && c < nCols - 1;
    title.textContent = c === 0 ? "input" : (c === nCols - 1 ? described.network.output
      : `${n} ${described.network.activations[c - 1]}`);
    title.style.left = `${xOf(c)}px`;
    title.style.top = "0px";
    title.style.transform = "translateX(-50%)";
    box.appendChild(title);
    if (hidden && title.getBoundingClientRect().width > gap - 4) {
      title.title = title.textContent;
      title.textContent = `${n}\n${described.network.activations[c - 1]}`;
      title.classList.add("stacked");
      if (title.getBoundingClientRect().width > gap - 2) {  // still too wide: the size
        title.textContent = `${n}`;
        title.classList.remove("stacked");
      }
    } else if (c === nCols - 1 && c > 0 && title.getBoundingClientRect().width > gap - 4) {
      title.style.left = `${xOf(c) - gap / 2 + 2}px`;
      title.style.transform = "none";
    } else if (c === 0 && nCols > 1 && title.getBoundingClientRect().width > gap - 4) {
      // "input" ends half a gap right of its column, running into the left margin
      title.style.left = `${xOf(c) + gap / 2 - 2}px`;
      title.style.transform = "translateX(-100%)";
    }
    if (columns[c].more) {
      const more = document.createElement("span");
      more.className = "label";
      more.textContent = `+${columns[c].more} more`;
      more.style.left = `${xOf(c)}px`;
      more.style.top = `${height + 2}px`;
      more.style.transform = "translateX(-50%)";
      box.appendChild(more);
      if (more.getBoundingClientRect().width > gap - 4) {
        more.title = `${more.textContent} units, not drawn`;
        more.textContent = `+${columns[c].more}`;
      }
    }
  });
  $("network").setAttribute("aria-label",
    `Network: ${net.sizes.join(" → ")} units; hidden activations ${net.activations.join(", ") || "none"}; ${net.output} output`);
}

function diverging(v, out, i) {
  // v in [-1, 1]: orange (negative) - white - blue (positive)
  const c = v < 0 ? hexRGB("#e8772e") : hexRGB("#1f77b4");
  const s = Math.min(1, Math.abs(v));
  out[4 * i] = Math.round(255 + (c[0] - 255) * s);
  out[4 * i + 1] = Math.round(255 + (c[1] - 255) * s);
  out[4 * i + 2] = Math.round(255 + (c[2] - 255) * s);
  out[4 * i + 3] = 255;
}

function drawFeature(canvas, feature) {
  const [x0, x1, y0, y1] = state.described.data.extent;
  const n = 50, values = new Float64Array(n * n);
  let m = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = FEATURE_FN[feature](x0 + (x1 - x0) * c / (n - 1), y1 - (y1 - y0) * r / (n - 1));
      values[r * n + c] = v;
      m = Math.max(m, Math.abs(v));
    }
  }
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) diverging(m ? values[i] / m : 0, img.data, i);
  ctx.putImageData(img, 0, 0);
}

function updateNetwork() {
  const frame = state.frame;
  if (!frame || !state.net || !frame.weights) return;
  state.net.links.forEach((links, l) => {
    const entry = frame.weights[l];
    if (!entry) return;
    let max = 0;
    const value = (link) => entry.W ? (entry.W[link.to] || [])[link.from] : (link.from === 0 ? (entry.norms || [])[link.to] : undefined);
    for (const link of links) { const v = value(link); if (v !== undefined) max = Math.max(max, Math.abs(v)); }
    for (const link of links) {
      const v = value(link);
      if (v === undefined) continue;
      const s = max > 0 ? Math.abs(v) / max : 0;
      link.path.setAttribute("stroke-width", (0.4 + 4.5 * s).toFixed(2));
      link.path.setAttribute("stroke", v < 0 ? "#e8772e" : "#1f77b4");
      link.path.setAttribute("stroke-opacity", (0.25 + 0.75 * s).toFixed(2));
    }
  });
  if (frame.units) {
    for (const canvas of state.net.units) {
      const layer = frame.units[canvas.dataset.layer - 1];
      const data = layer && layer[canvas.dataset.unit];
      if (!data) continue;
      const bytes = b64bytes(data);
      const ctx = canvas.getContext("2d");
      const img = ctx.createImageData(50, 50);
      for (let i = 0; i < bytes.length; i++) diverging(bytes[i] / 127.5 - 1, img.data, i);
      ctx.putImageData(img, 0, 0);
    }
  }
  if (frame.outputs) {
    // coloured as the boundary: the classes' colours, stronger where surer
    const sigmoid = frame.outputs.length === 1;
    for (const canvas of state.net.outputs) {
      const k = Number(canvas.dataset.output);
      const data = frame.outputs[k];
      if (!data) continue;
      const bytes = b64bytes(data);
      const ctx = canvas.getContext("2d");
      const img = ctx.createImageData(50, 50);
      const px = img.data;
      const c0 = hexRGB(COLORS[0]), c1 = hexRGB(COLORS[1]), ck = hexRGB(COLORS[k % COLORS.length]);
      for (let i = 0; i < bytes.length; i++) {
        const t = bytes[i] / 255;
        const c = sigmoid ? (t >= 0.5 ? c1 : c0) : ck;
        const strength = sigmoid ? Math.abs(t - 0.5) * 2 : t;
        for (let j = 0; j < 3; j++) px[4 * i + j] = Math.round(255 + (c[j] - 255) * strength);
        px[4 * i + 3] = 255;
      }
      ctx.putImageData(img, 0, 0);
    }
  }
}

function drawPictures() {
  const frame = state.frame;
  if (!frame || !frame.mislabeled || !state.described) return;
  const key = `${state.run}:${frame.mislabeled.map((m) => m.join("-")).join(",")}`;
  if (key === state.pictureKey) return;
  state.pictureKey = key;
  const names = state.described.data.class_names;
  const box = $("pictures");
  box.textContent = "";
  if (!frame.mislabeled.length) {
    box.textContent = "none: every test picture is labelled right";
    return;
  }
  for (const [index, predicted] of frame.mislabeled) {
    const fig = document.createElement("figure");
    const img = document.createElement("img");
    img.src = `/api/sessions/${state.session}/pictures/test/${index}`;
    img.alt = `test picture ${index}, predicted ${names[predicted]}`;
    const cap = document.createElement("figcaption");
    cap.textContent = `#${index}: said ${names[predicted]}`;
    fig.append(img, cap);
    box.appendChild(fig);
  }
  if (frame.n_mislabeled > frame.mislabeled.length) {
    const more = document.createElement("p");
    more.textContent = `and ${frame.n_mislabeled - frame.mislabeled.length} more`;
    box.appendChild(more);
  }
}

// ------------------------------------------------------------------ the glass box

function scheduleTrace(gradientCheck) {
  // (A paused frame sent before the server took our Play can arrive after it: once Play
  // is pressed, only a pause or a button traces again, else the glass box would show a
  // step taken while training, as if it were the one it had.)
  clearTimeout(state.traceTimer);
  state.traceTimer = setTimeout(() => loadTrace(gradientCheck, true), 150);
}

function fmt(v) {
  if (v === null || v === undefined) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return v.toFixed(4);
}

async function loadTrace(gradientCheck, automatic = false) {
  // automatic: scheduled by a paused frame, not asked for by a button; not while
  // training, nor shown if Play was pressed while the server was tracing. A button
  // cancels a trace still scheduled, and only the last trace asked for is shown (an
  // earlier one answered later would replace a gradient check with a plain trace).
  if (!automatic) clearTimeout(state.traceTimer);
  if (!state.session || (automatic && state.playing)) return;
  const asked = state.traceAsked = (state.traceAsked || 0) + 1;
  const box = $("trace");
  if (state.options.glass_box) {  // the server has no trace: say so without asking
    box.textContent = "";
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = state.options.glass_box;
    box.appendChild(p);
    return;
  }
  try {
    const response = await api(`/api/sessions/${state.session}/trace?gradient_check=${gradientCheck ? 1 : 0}`);
    const trace = await response.json();
    if ((automatic && state.playing) || asked !== state.traceAsked) return;
    renderTrace(trace);
  } catch (error) {
    if (asked !== state.traceAsked) return;
    box.textContent = "";
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = error.message;
    box.appendChild(p);
  }
}

function stepDifferences(cfg, m) {
  // How the run's own steps differ from the course's step the glass box traces, in words
  // ("Adam, mini-batches of 64"), or "" when they do not.
  const parts = [];
  if (cfg.solver && cfg.solver !== "gd") {
    const option = [...$("solver").options].find((o) => o.value === cfg.solver);
    parts.push(option ? option.textContent : cfg.solver);
  }
  if (cfg.batch_size && cfg.batch_size < m) parts.push(`mini-batches of ${cfg.batch_size}`);
  if (cfg.dropout > 0) parts.push(`dropout ${cfg.dropout}`);
  return parts.join(", ");
}

function renderTrace(trace) {
  const box = $("trace");
  box.textContent = "";
  state.traceIteration = Number(trace.iteration || 0);
  markStaleTrace();
  const head = document.createElement("p");
  const l2 = trace.alpha ? ` (with the L2 term, λ = ${trace.alpha})` : "";
  head.textContent = `iteration ${Number(trace.iteration || 0).toLocaleString("en-US")}: cost ${fmt(trace.cost)}${l2} on m = ${trace.m} examples, ${trace.output} output, learning rate ${trace.learning_rate ?? "–"}`;
  box.appendChild(head);
  const differs = stepDifferences(state.config || {}, trace.m);
  if (differs) {
    const note = document.createElement("p");
    note.id = "trace-step-note";
    note.textContent = `This is the course's step: gradient descent on all ${trace.m} ` +
      `examples at once, no dropout. The run trains with ${differs}: its steps start ` +
      "from gradients like these but move the weights differently.";
    box.appendChild(note);
  }
  for (const layer of trace.layers || []) {
    const details = document.createElement("details");
    details.open = true;
    const summary = document.createElement("summary");
    summary.textContent = `Layer ${layer.l}: ${layer.units} ${layer.activation} unit${layer.units === 1 ? "" : "s"}`;
    const flag = document.createElement("span");
    flag.className = `flag ${layer.flag ? (layer.flag === "exploding" ? "bad" : "warn") : "ok"}`;
    flag.textContent = layer.flag || "healthy";
    summary.appendChild(flag);
    details.appendChild(summary);
    const eqs = document.createElement("div");
    for (const eq of [...(layer.forward || []), ...(layer.backward || [])]) {
      const code = document.createElement("code");
      code.textContent = eq.equation;
      eqs.appendChild(code);
    }
    details.appendChild(eqs);
    const table = document.createElement("table");
    const header = table.insertRow();
    for (const h of ["array", "shape", "mean", "std", "min", "max", "norm"]) {
      const th = document.createElement("th"); th.textContent = h; header.appendChild(th);
    }
    for (const [name, stats] of Object.entries(layer.arrays || {})) {
      const row = table.insertRow();
      row.insertCell().textContent = name;
      row.insertCell().textContent = (stats.shape || []).join(" × ");
      for (const k of ["mean", "std", "min", "max", "norm"]) row.insertCell().textContent = fmt(stats[k]);
    }
    details.appendChild(table);
    const facts = document.createElement("p");
    const parts = [`‖dW‖/‖W‖ = ${fmt(layer.grad_ratio)}`];
    if (layer.dead_fraction !== null && layer.dead_fraction !== undefined) parts.push(`dead units ${(100 * layer.dead_fraction).toFixed(0)} %`);
    if (layer.saturated_fraction !== null && layer.saturated_fraction !== undefined) parts.push(`saturated ${(100 * layer.saturated_fraction).toFixed(0)} %`);
    if (layer.message) parts.push(layer.message);
    facts.textContent = parts.join(" · ");
    details.appendChild(facts);
    box.appendChild(details);
  }
  const check = trace.gradient_check;
  if (check) {
    const p = document.createElement("p");
    const flag = document.createElement("span");
    flag.className = `flag ${check.verdict === "fine" ? "ok" : (check.verdict === "bug" ? "bad" : "warn")}`;
    flag.textContent = check.verdict;
    p.textContent = `Gradient check: relative difference ${fmt(check.difference)} (fine below ${fmt(check.threshold_fine)}, a bug above ${fmt(check.threshold_bug)})`;
    p.appendChild(flag);
    if (check.note) {
      const note = document.createElement("small");
      note.textContent = ` ${check.note}`;
      p.appendChild(note);
    }
    p.id = "gradcheck-result";
    box.appendChild(p);
  }
}

// ------------------------------------------------------------------ reproduce

async function download(path, fallbackName) {
  clearMessage();
  try {
    const response = await api(path);
    const blob = await response.blob();
    const disposition = response.headers.get("content-disposition") || "";
    const match = disposition.match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = match ? match[1] : fallbackName;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  } catch (error) {
    showMessage(error.message);
  }
}

async function showSnippet() {
  clearMessage();
  try {
    const response = await api(`/api/sessions/${state.session}/snippet`);
    const pre = $("snippet");
    pre.textContent = await response.text();
    pre.hidden = false;
  } catch (error) {
    showMessage(error.message);
  }
}

// ------------------------------------------------------------------ wiring

async function uploadFile(file) {
  clearMessage();
  const most = state.options.max_upload_bytes;
  if (file.size > most) {  // refused here, as the server would: not sent in full first
    showMessage(`${file.name}: the file is larger than ${Math.floor(most / 1024 / 1024)} MB`);
    $("upload").value = "";
    return;
  }
  try {
    const info = await (await api(`/api/sessions/${state.session}/upload?name=${encodeURIComponent(file.name)}`, {
      method: "POST", headers: {"Content-Type": file.type || "text/csv"}, body: file,
    })).json();
    state.upload = info;
    let opt = [...$("dataset").options].find((o) => o.value === "upload");
    if (!opt) {
      opt = document.createElement("option");
      opt.value = "upload";
      $("dataset").appendChild(opt);
    }
    nameOption(opt, "uploaded: ", info.name);
    $("dataset").value = "upload";
    updateFormState();
    await applyConfig(readConfig());
  } catch (error) {
    showMessage(error.message);
  } finally {
    // emptied, so that choosing the same file again (fixed after a refusal) uploads it
    // again: a file input whose file is chosen twice fires no second change event
    $("upload").value = "";
  }
}

function setupForm(options) {
  const select = $("dataset");
  for (const [name, text] of Object.entries(options.datasets)) {
    const opt = document.createElement("option");
    opt.value = name; opt.textContent = name; opt.title = text;
    select.appendChild(opt);
  }
  if (options.file) {
    const opt = document.createElement("option");
    opt.value = "file";
    select.appendChild(opt);
    nameOption(opt, "file: ", options.file.name);
  }
  const box = $("features");
  for (const name of options.features) {
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox"; input.value = name; input.id = `feature-${name}`;
    label.append(input, document.createTextNode(FEATURE_LABELS[name] || name));
    box.appendChild(label);
  }
  $("settings").addEventListener("change", (event) => {
    if (event.target.id === "upload") return;
    if (event.target.id === "n_layers") {
      // an emptied field is no 0 (Number("") is): refused as the other emptied fields
      const text = $("n_layers").value.trim();
      const n = Number(text);
      if (text === "" || !Number.isInteger(n) || n < 0 || n > options.limits.hidden_layers) {
        const empty = text === "" ? " (the field is empty)" : "";
        state.refusal = `Hidden layers must be a whole number between 0 and ${options.limits.hidden_layers}${empty}; ${REFUSED_RUN}`;
        showMessage(state.refusal);
        $("n_layers").setAttribute("aria-invalid", "true");
        return;
      }
      const layers = readLayers();
      if (layers.length === n) {  // nothing changed (a second change event on blur)
        if (state.refusal && state.refusal.startsWith("Hidden layers must be")) {
          state.refusal = null;  // the refused value corrected to the layers training
          clearMessage();
        }
        return;
      }
      while (layers.length < n) layers.push({units: layers.length ? layers[layers.length - 1].units : 4, activation: layers.length ? layers[layers.length - 1].activation : "tanh"});
      layers.length = n;
      buildLayerRows(layers);
    }
    if (event.target.id === "dataset") {
      const name = $("dataset").value;
      if (options.default_noise[name] !== undefined) setField("noise", options.default_noise[name]);
      // the field showed the previous set's own classes (a file's 10): chosen afresh
      if (choosesClasses(name) && !choosesClasses(state.config && state.config.dataset)) {
        $("classes").value = options.defaults.classes;
      }
      updateFormState();
    }
    applyConfig(readConfig());
  });
  $("settings").addEventListener("submit", (event) => event.preventDefault());
  $("upload").addEventListener("change", () => {
    const file = $("upload").files[0];
    if (file) uploadFile(file);
  });
  $("play").addEventListener("click", async () => {
    // what the button said when pressed, whatever settings are still on their way (a
    // new run shows Play once its settings are answered: Pause, pressed before, was
    // sent as Play); control() sends it once they are answered, to the new run
    const playing = !state.playing;
    setPlaying(playing);
    const result = await control({action: playing ? "play" : "pause", iterations_per_frame: Number($("ipf").value)});
    if (!result) setPlaying(false);
  });
  $("step").addEventListener("click", async () => {
    setPlaying(false);
    await control({action: "step"});
  });
  $("reset").addEventListener("click", () => applyConfig(state.config || readConfig()));
  $("ipf").addEventListener("change", () => {
    control({iterations_per_frame: Number($("ipf").value)});
    updateLink();
  });
  $("show-test").addEventListener("change", scheduleDraw);
  $("discretize").addEventListener("change", scheduleDraw);
  $("download-model").addEventListener("click", () => download(`/api/sessions/${state.session}/model`, "playground.npz"));
  $("download-csv").addEventListener("click", () => download(`/api/sessions/${state.session}/data.csv?part=test`, "playground-test.csv"));
  $("show-snippet").addEventListener("click", showSnippet);
  $("copy-link").addEventListener("click", async () => {
    $("link").select();
    let said = "Copied";
    try { await navigator.clipboard.writeText($("link").value); } catch (e) { said = "Selected: copy it"; }
    // a word on the button for a moment: the click did something
    $("copy-link").textContent = said;
    clearTimeout(state.copiedTimer);
    state.copiedTimer = setTimeout(() => { $("copy-link").textContent = "Copy the link"; }, 1500);
  });
  $("trace-refresh").addEventListener("click", () => loadTrace(false));
  $("gradcheck").addEventListener("click", () => loadTrace(true));
  window.addEventListener("hashchange", () => {  // a link pasted into this tab
    if (location.hash === state.lastHash || !state.session) return;
    const cfg = linkSetup(options.defaults, hashToConfig(location.hash));
    const linkIpf = $("ipf").value;  // the link's, or the page's where it gives none
    writeConfig(cfg);
    // a refused link keeps its message (a control request would clear it)
    applyConfig(cfg).then((ok) => {
      if (!ok) return;
      $("ipf").value = linkIpf;
      updateLink();
      control({iterations_per_frame: Number(linkIpf)});
    });
  });
  let resizeTimer = null;  // the network is drawn to its box's width: redrawn when it changes
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (state.described && $("network").clientWidth !== state.networkWidth) {
        buildNetwork();
        scheduleDraw();
      }
    }, 150);
  });
  window.addEventListener("pagehide", () => {
    if (state.session) navigator.sendBeacon(`/api/sessions/${state.session}/close`);
  });
}

async function main() {
  try {
    state.options = await (await api("/api/options")).json();
  } catch (error) {
    showMessage(error.status ? `the playground's server cannot open the page: ${error.message}`
                             : error.message);
    return;
  }
  setupForm(state.options);
  const defaults = state.options.defaults;
  const fromUrl = hashToConfig(location.hash);
  const linkIpf = $("ipf").value;  // the link's (hashToConfig set it): kept over the run's
  const cfg = linkSetup(defaults, fromUrl);
  let refused = null;  // why the link's setup was refused: said once the page is ready
  let note = null;
  if (cfg.dataset === "upload") {
    // a file uploaded in another tab is not in the link: the rest of the setup is
    note = "This link's data set was a CSV file uploaded in its tab: upload it again " +
           "(the link's other settings are kept).";
    cfg.dataset = defaults.dataset;
    if (!choosesClasses(cfg.dataset)) delete cfg.classes;
  }
  writeConfig(cfg);
  try {
    await startSession(cfg);
  } catch (error) {
    showMessage(settingMessage(error));
    if (!(fromUrl && error.status === 422)) return;
    refused = settingMessage(error);
    writeConfig(defaults);
    try { await startSession(defaults); } catch (e) { showMessage(e.message); return; }
  }
  if (fromUrl && state.session) {
    $("ipf").value = linkIpf;
    await control({iterations_per_frame: Number(linkIpf)});
    updateLink();
  }
  if (refused) showMessage(`The link's setup was refused (${refused}); the default setup is shown instead.`);
  else if (note) showMessage(note);
}

main();
