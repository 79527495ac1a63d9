/// The flow canvas's behaviour, served after the page script: clicking a shape opens the settings
/// drawer with a form generated from the shape's spec (`GET /api/v1/schemas/shapes`); a builder's
/// changes go to the draft through `POST /api/v1/flows/{flow}/draft/edits` (the session cookie and
/// the CSRF token), problems come back located and are shown next to their fields; Deploy and
/// Discard call the draft routes. Every other role gets the same form with its inputs disabled.
enum CanvasScript {
    static let text = #"""

        document.addEventListener("DOMContentLoaded", () => { flowCanvas(); });

        function flowCanvas() {
          const canvas = document.getElementById("canvas");
          const drawer = document.getElementById("shape-drawer");
          if (!canvas || !drawer) return;
          const flow = drawer.dataset.flow;
          const editable = canvas.dataset.editable === "true";
          const api = (path) => "/api/v1/flows/" + encodeURIComponent(flow) + path;
          let specs = null;
          let instances = null;
          const loadSpecs = async () => {
            if (!specs) specs = await (await fetch("/api/v1/schemas/shapes", { credentials: "same-origin" })).json();
            if (!instances) instances = ((await (await fetch("/api/v1/instances", { credentials: "same-origin" })).json()).instances) || [];
            return specs;
          };
          const send = async (path, body) => {
            const answer = await fetch(api(path), { method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() }, body: JSON.stringify(body) });
            return { ok: answer.ok, status: answer.status, body: await answer.json().catch(() => ({})) };
          };
          const reload = (notice) => { window.location.href = window.location.pathname + "?notice=" + encodeURIComponent(notice); };
          const el = (tag, attributes, text) => {
            const node = document.createElement(tag);
            for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
            if (text !== undefined) node.textContent = text;
            return node;
          };
          const problemsList = drawer.querySelector("#drawer-problems");
          const showProblems = (body, status) => {
            problemsList.replaceChildren();
            drawer.querySelectorAll(".field-problem").forEach((node) => node.remove());
            const error = body.error || {};
            const problems = (error.details && error.details.problems) || [{ path: error.field || "", message: error.message || ("failed (" + status + ")") }];
            for (const problem of problems) {
              problemsList.append(el("li", {}, (problem.path ? problem.path + ": " : "") + problem.message));
              // Next to the field the path names: shapes[3].map.fields → the "fields" input.
              for (const input of drawer.querySelectorAll("[data-field]")) {
                const field = input.dataset.field;
                if (problem.path.endsWith("." + field) || problem.path.includes("." + field + ".") || problem.path.includes("." + field + "[")) {
                  input.after(el("div", { class: "field-problem error-text" }, problem.message));
                  break;
                }
              }
            }
            problemsList.hidden = false;
          };
          const edit = async (edits, notice) => {
            const answer = await send("/draft/edits", { edits });
            if (answer.ok) reload(notice); else showProblems(answer.body, answer.status);
          };

          // One input per field of the spec; complex values (maps, lists, objects) as JSON text.
          const input = (field, value, shapeType) => {
            const id = "field-" + field.name;
            const wrap = el("div", { class: "drawer-field" });
            const label = el("label", { for: id }, field.name + (field.required ? " *" : ""));
            wrap.append(label);
            let control;
            const present = value !== undefined;
            if (field.kind === "enum") {
              control = el("select", { id });
              control.append(el("option", { value: "" }, field.default !== undefined ? "(default: " + field.default + ")" : "(not set)"));
              for (const option of field.values) control.append(el("option", { value: option.value, title: option.help || "" }, option.value));
              control.value = present ? String(value) : "";
            } else if (field.kind === "boolean") {
              control = el("select", { id });
              control.append(el("option", { value: "" }, field.default !== undefined ? "(default: " + field.default + ")" : "(not set)"));
              control.append(el("option", { value: "true" }, "true"), el("option", { value: "false" }, "false"));
              control.value = present ? String(value) : "";
            } else if (field.kind === "integer") {
              control = el("input", { id, type: "number", step: "1" });
              if (field.minimum !== undefined) control.min = field.minimum;
              if (field.maximum !== undefined) control.max = field.maximum;
              control.value = present ? String(value) : "";
            } else if (["map", "list", "object", "any-of", "json", "variants", "shapes"].includes(field.kind) || (present && typeof value === "object")) {
              control = el("textarea", { id, rows: "6", class: "mono", "data-json": "true" });
              control.value = present ? JSON.stringify(value, null, 2) : "";
            } else {
              control = el("input", { id, type: "text", class: ["expression", "template", "field-path"].includes(field.kind) ? "mono" : "" });
              control.value = present ? String(value) : "";
              if (field.kind === "instance-ref") {
                // The instances of this shape's connector (all of them when none matches the type).
                const listID = id + "-instances";
                const list = el("datalist", { id: listID });
                const matching = instances.filter((instance) => instance.type === shapeType);
                for (const instance of (matching.length ? matching : instances)) list.append(el("option", { value: instance.name }, instance.name + " (" + instance.type + ")"));
                control.setAttribute("list", listID);
                wrap.append(list);
              }
            }
            if (field.default !== undefined && control.tagName !== "SELECT") control.placeholder = "default: " + JSON.stringify(field.default);
            control.dataset.field = field.name;
            control.dataset.kind = field.kind;
            control.dataset.original = control.value;
            control.disabled = !editable;
            wrap.append(control);
            const help = field.help || (field.kind === "expression" ? "A JSONata expression." : "");
            if (help || field.kind === "secret") wrap.append(el("div", { class: "muted small" }, field.kind + (help ? " — " + help : "")));
            return wrap;
          };

          // The changed inputs as values: "" removes the field; JSON text must parse.
          const changes = () => {
            const result = [];
            for (const control of drawer.querySelectorAll("[data-field]")) {
              if (control.value === control.dataset.original) continue;
              const text = control.value;
              let value = null;
              if (text.trim() !== "") {
                if (control.dataset.json) {
                  try { value = JSON.parse(text); } catch (error) { throw new Error(control.dataset.field + ": not valid JSON (" + error.message + ")"); }
                } else if (control.dataset.kind === "integer") value = Number(text);
                else if (control.dataset.kind === "boolean") value = text === "true";
                else value = text;
              }
              result.push({ field: control.dataset.field, value });
            }
            return result;
          };

          const open = async (box, mode) => {
            await loadSpecs();
            const type = mode.type || box.dataset.type;
            const spec = specs.shapes.find((shape) => shape.type === type);
            const settings = mode.adding ? {} : JSON.parse(box.dataset.settings || "{}");
            drawer.querySelector("#drawer-title").textContent = mode.adding
              ? "New " + type + " shape " + (mode.atStart ? "at the start of the flow" : "after " + box.dataset.shape) : box.dataset.shape + " (" + type + ")";
            drawer.querySelector("#drawer-summary").textContent = spec ? spec.summary : "";
            problemsList.hidden = true;
            const fields = drawer.querySelector("#drawer-fields");
            fields.replaceChildren();
            fields.append(input({ name: "name", kind: "string", help: "A name shown instead of the id." }, mode.adding ? undefined : (box.dataset.name || undefined), type));
            fields.firstChild.querySelector("[data-field]").dataset.entry = "true";
            if (mode.adding) {
              const idInput = input({ name: "id", kind: "string", help: "Unique in the flow; left empty, it becomes " + type + "-1." }, undefined, type);
              idInput.querySelector("[data-field]").dataset.entry = "true";
              fields.prepend(idInput);
            }
            const structure = ["route", "branch", "try"].includes(type);
            if (spec && !structure) for (const field of (spec.settings.fields || [])) fields.append(input(field, settings[field.name], type));
            if (structure) fields.append(el("p", { class: "muted" }, "Its lanes are edited on the canvas."));
            preview(box, type, settings, mode);
            const actions = drawer.querySelector("#drawer-actions");
            actions.replaceChildren();
            if (editable) {
              const button = (label, id, handler, style) => {
                const node = el("button", { type: "button", id, class: style || "secondary" }, label);
                node.addEventListener("click", handler);
                actions.append(node);
              };
              if (!mode.adding) {
                button("Remove", "shape-remove", () => {
                  if (window.confirm("Remove '" + box.dataset.shape + "' from the draft?")) edit([{ op: "remove", shape: box.dataset.shape }], "Removed " + box.dataset.shape);
                });
                button("Duplicate", "shape-duplicate", () => edit([{ op: "duplicate", shape: box.dataset.shape }], "Duplicated " + box.dataset.shape));
                // Move within its lane: before the shape above it, after the shape below it.
                const sibling = (node) => node && node.querySelector(":scope > .canvas-box");
                const above = sibling(box.parentElement.previousElementSibling), below = sibling(box.parentElement.nextElementSibling);
                if (above) button("Move up", "shape-move-up", () => edit([{ op: "move", shape: box.dataset.shape, before: above.dataset.shape }], "Moved " + box.dataset.shape + " up"));
                if (below) button("Move down", "shape-move-down", () => edit([{ op: "move", shape: box.dataset.shape, after: below.dataset.shape }], "Moved " + box.dataset.shape + " down"));
                const skipped = box.dataset.skip === "true";
                button(skipped ? "Unskip" : "Skip", "shape-skip", () => edit([{ op: "skip", shape: box.dataset.shape, skip: !skipped }], (skipped ? "Unskipped " : "Skipped ") + box.dataset.shape));
                // Add after: a type picker.
                const picker = el("select", { id: "add-type", "aria-label": "Shape type to add after this one" });
                for (const shape of specs.shapes) picker.append(el("option", { value: shape.type }, shape.type));
                actions.append(picker);
                button("Add after…", "shape-add", () => open(box, { adding: true, type: picker.value }));
              }
              actions.append(el("span", { class: "spacer" }));
              button(mode.adding ? "Add to draft" : "Save to draft", "shape-save", async () => {
                let changed;
                try { changed = changes(); } catch (error) { showProblems({ error: { message: error.message } }, 0); return; }
                if (mode.adding) {
                  const entry = {};
                  const body = {};
                  for (const change of changed) {
                    if (change.value === null) continue;
                    const control = drawer.querySelector('[data-field="' + change.field + '"]');
                    if (control.dataset.entry) entry[change.field] = change.value; else body[change.field] = change.value;
                  }
                  entry[type] = structure ? { } : body;
                  const where = mode.atStart ? { lane: "" } : { after: box.dataset.shape };
                  await edit([Object.assign({ op: "add", shape: entry }, where)], "Added a " + type + " shape");
                  return;
                }
                if (!changed.length) { drawer.close(); return; }
                const edits = changed.map((change) => {
                  const control = drawer.querySelector('[data-field="' + change.field + '"]');
                  return { op: "set", shape: box.dataset.shape, field: control.dataset.entry ? [change.field] : [type, change.field], value: change.value };
                });
                await edit(edits, "Saved " + box.dataset.shape + " to the draft");
              }, "primary");
            }
            if (!drawer.open) drawer.showModal();
          };

          // The live preview (builders, shapes that touch no system): the drawer's settings as they
          // stand, saved or not, tried by the server (POST /api/v1/flows/{flow}/preview) on a payload
          // this step received in its newest run, re-tried 300 ms after each keystroke.
          // The shape types whose spec says they touch no system (`touches_no_system`).
          const previewable = (type) => specs?.shapes.some((shape) => shape.type === type && shape.touches_no_system === true);
          const shortened = (value) => {
            const text = JSON.stringify(value, null, 2);
            return text.length > 20000 ? text.slice(0, 20000) + "\n[trimmed]" : text;
          };
          const preview = (box, type, settings, mode) => {
            const section = drawer.querySelector("#shape-preview");
            const fields = drawer.querySelector("#drawer-fields");
            section.replaceChildren();
            section.hidden = true;
            fields.oninput = null;
            if (!editable || mode.adding || !previewable(type)) return;
            let index = 0;
            let asked = 0;
            let typing;
            const status = el("p", { id: "preview-status", class: "small" }, "Trying the shape on what this step received in its newest run…");
            const previous = el("button", { type: "button", class: "small secondary", id: "preview-previous" }, "Previous payload");
            const next = el("button", { type: "button", class: "small secondary", id: "preview-next" }, "Next payload");
            const input = el("pre", { id: "preview-input" });
            const output = el("pre", { id: "preview-output" });
            section.append(el("h3", {}, "Preview"), status, el("div", { class: "toolbar" }), el("div", { class: "muted small" }, "Received"), input,
              el("div", { class: "muted small" }, "Passed on"), output);
            section.querySelector(".toolbar").append(previous, next);
            const run = async () => {
              const mine = ++asked;
              const current = Object.assign({}, settings);
              try {
                for (const change of changes()) {
                  if (drawer.querySelector('[data-field="' + change.field + '"]').dataset.entry) continue;
                  if (change.value === null) delete current[change.field]; else current[change.field] = change.value;
                }
              } catch (error) { status.textContent = error.message; return; }
              const shape = { id: box.dataset.shape };
              shape[type] = current;
              const answer = await send("/preview", { shape, index });
              if (mine !== asked) return;  // a later keystroke's preview wins
              const body = answer.body;
              if (!answer.ok) {
                const error = body.error || {};
                const problems = (error.details && error.details.problems) || [];
                status.textContent = problems.length ? problems.map((problem) => problem.path + ": " + problem.message).join("; ") : (error.message || ("failed (" + answer.status + ")"));
                status.className = "small error-text";
                output.textContent = "";
                return;
              }
              status.className = "small";
              const outcome = body.failure ? "the shape fails" : body.output_count === 0 ? "nothing passed on (dropped)"
                : body.output_count + " payload" + (body.output_count === 1 ? "" : "s") + " passed on" + (body.output_count > body.outputs.length ? ", the first " + body.outputs.length + " shown" : "");
              status.textContent = "Payload " + (body.index + 1) + " of " + body.input_count + " that " + box.dataset.shape + " received in run " + body.run + ": " + outcome + ".";
              input.textContent = shortened(body.input);
              output.textContent = body.failure ? body.failure : body.outputs.map(shortened).join("\n");
              previous.disabled = body.index === 0;
              next.disabled = body.index + 1 >= body.input_count;
            };
            previous.addEventListener("click", () => { if (index > 0) { index -= 1; run(); } });
            next.addEventListener("click", () => { index += 1; run(); });
            fields.oninput = () => { clearTimeout(typing); typing = setTimeout(run, 300); };
            section.hidden = false;
            run();
          };

          // The trigger: what starts a run. A cron field previews its next runs (the server's
          // own schedule reading, GET /api/v1/schedules/preview); a webhook shows its URL to
          // operators and builders and can get a new token; a change goes to the draft.
          const triggerBox = document.getElementById("canvas-trigger");
          const human = (time) => ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][new Date(time).getUTCDay()] + " " + time.slice(0, 10) + " " + time.slice(11, 16) + " UTC";
          const newToken = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
          const openTrigger = () => {
            const current = triggerBox.dataset;
            drawer.querySelector("#drawer-title").textContent = "Trigger";
            drawer.querySelector("#drawer-summary").textContent = "What starts a run of this flow. Any change goes into the draft and takes effect when it is deployed.";
            problemsList.hidden = true;
            const fields = drawer.querySelector("#drawer-fields");
            fields.replaceChildren();
            fields.oninput = null;  // no shape preview here
            drawer.querySelector("#shape-preview").hidden = true;
            const field = (label, control, help) => {
              const wrap = el("div", { class: "drawer-field" });
              wrap.append(el("label", { for: control.id }, label), control);
              if (help) wrap.append(el("div", { class: "muted small" }, help));
              control.disabled = !editable;
              return wrap;
            };
            const kind = el("select", { id: "trigger-kind" });
            for (const [value, label] of [["manual", "manual: started by people (CLI, web UI)"], ["api", "API: started by programs"],
              ["schedule", "schedule: a cron expression (UTC)"], ["webhook", "webhook: an HTTP POST to its URL"]]) kind.append(el("option", { value }, label));
            kind.value = current.kind;
            fields.append(field("starts on", kind));

            const schedule = el("div", { id: "trigger-schedule" });
            const cron = el("input", { id: "trigger-cron", type: "text", class: "mono", placeholder: "*/15 * * * *" });
            cron.value = current.cron || "";
            const nextRuns = el("ol", { id: "trigger-next-runs", class: "small" });
            const note = el("p", { id: "trigger-preview-note", class: "muted small" });
            schedule.append(field("cron", cron, "minute hour day-of-month month day-of-week, always UTC: */15 * * * * is every 15 minutes, 0 9 * * MON-FRI weekdays at 09:00."),
              el("div", { class: "muted small" }, "Next runs:"), nextRuns, note);
            let previewed = 0;
            const preview = async () => {
              const asked = ++previewed;
              const text = cron.value.trim();
              if (!text) { nextRuns.replaceChildren(); note.className = "muted small"; note.textContent = "Give a cron expression to see when it runs."; return; }
              const answer = await fetch("/api/v1/schedules/preview?count=5&cron=" + encodeURIComponent(text), { credentials: "same-origin" });
              const body = await answer.json().catch(() => ({}));
              if (asked !== previewed) return;  // a later keystroke's preview wins
              nextRuns.replaceChildren();
              if (!answer.ok) { note.className = "error-text small"; note.textContent = (body.error && body.error.message) || ("failed (" + answer.status + ")"); return; }
              note.className = "muted small";
              note.textContent = body.next.length ? "" : "This schedule never fires within five years.";
              for (const time of body.next) nextRuns.append(el("li", {}, human(time)));
            };
            let typing;
            cron.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(preview, 250); });

            const webhook = el("div", { id: "trigger-webhook" });
            const url = el("code", { id: "trigger-webhook-url", class: "wrap" });
            const rotate = el("input", { id: "trigger-new-token", type: "checkbox" });
            const hmac = el("input", { id: "trigger-hmac", type: "text", class: "mono", placeholder: "SHOP_WEBHOOK_SECRET" });
            hmac.value = current.hmac || "";
            let token = current.kind === "webhook" ? current.token : newToken();
            const showURL = () => {
              const hidden = current.kind === "webhook" && !current.token && !rotate.checked;
              url.textContent = hidden ? "(its token is shown to operators and builders)" : window.location.origin + "/webhooks/" + flow + "/" + (rotate.checked ? "<new token>" : token);
            };
            rotate.addEventListener("change", () => { if (rotate.checked) token = newToken(); else if (current.kind === "webhook") token = current.token; showURL(); });
            const rotateWrap = el("div", { class: "drawer-field" });
            rotateWrap.append(rotate, el("label", { for: "trigger-new-token" }, " Give it a new token (the current URL stops working once the draft is deployed)"));
            rotate.disabled = !editable;
            webhook.append(el("div", { class: "muted small" }, "POST JSON to this URL (the token in it is the secret; see docs/webhooks.md):"), url,
              current.kind === "webhook" ? rotateWrap : el("span"),
              field("HMAC secret variable", hmac, "Optional: the environment variable of skein serve holding the secret; requests must then carry X-Skein-Signature: sha256=<HMAC of the body>."));
            fields.append(schedule, webhook);
            const showKind = () => {
              schedule.hidden = kind.value !== "schedule";
              webhook.hidden = kind.value !== "webhook";
              if (kind.value === "schedule") preview();
              if (kind.value === "webhook") showURL();
            };
            kind.addEventListener("change", showKind);
            showKind();

            const actions = drawer.querySelector("#drawer-actions");
            actions.replaceChildren();
            if (editable) {
              actions.append(el("span", { class: "spacer" }));
              const save = el("button", { type: "button", id: "trigger-save", class: "primary" }, "Save to draft");
              save.addEventListener("click", async () => {
                const edits = [];
                const hmacValue = hmac.value.trim() || null;
                if (kind.value !== current.kind || (kind.value === "schedule" && cron.value.trim() !== (current.cron || ""))) {
                  let trigger = kind.value;
                  if (kind.value === "schedule") trigger = { schedule: cron.value.trim() };
                  if (kind.value === "webhook") trigger = { webhook: Object.assign({ token }, hmacValue ? { hmac_secret_env: hmacValue } : {}) };
                  edits.push({ op: "set_trigger", trigger });
                } else if (kind.value === "webhook") {
                  if (rotate.checked) edits.push({ op: "set", field: ["trigger", "webhook", "token"], value: token });
                  if (hmacValue !== (current.hmac || null)) edits.push({ op: "set", field: ["trigger", "webhook", "hmac_secret_env"], value: hmacValue });
                }
                if (!edits.length) { drawer.close(); return; }
                await edit(edits, "Saved the trigger to the draft");
              });
              actions.append(save);
            }
            if (!drawer.open) drawer.showModal();
          };
          if (triggerBox) {
            triggerBox.addEventListener("click", openTrigger);
            triggerBox.addEventListener("keydown", (event) => { if (event.key === "Enter") openTrigger(); });
          }

          canvas.querySelectorAll(".canvas-box").forEach((box) => {
            box.addEventListener("click", () => open(box, {}));
            box.addEventListener("keydown", (event) => { if (event.key === "Enter") open(box, {}); });
          });
          // Add at the start of the flow (the first shape of a new flow too).
          const firstType = document.getElementById("add-first-type");
          if (firstType && editable) {
            loadSpecs().then(() => { for (const shape of specs.shapes) firstType.append(el("option", { value: shape.type }, shape.type)); });
            document.getElementById("add-first").addEventListener("click", () => open({ dataset: { shape: "" } }, { adding: true, atStart: true, type: firstType.value }));
          }
          const deploy = document.getElementById("draft-deploy");
          const discard = document.getElementById("draft-discard");
          const barError = document.getElementById("draft-error");
          const failed = (answer) => {
            barError.textContent = (answer.body.error && answer.body.error.message) || ("failed (" + answer.status + ")");
            barError.hidden = false;
          };
          if (deploy) deploy.addEventListener("click", async () => {
            const answer = await send("/draft/deploy", {});
            if (answer.ok) reload("Deployed v" + answer.body.version); else failed(answer);
          });
          // Versions: roll back = deploy an old version's text as the next version.
          document.querySelectorAll("[data-rollback]").forEach((button) => button.addEventListener("click", async () => {
            const version = Number(button.dataset.rollback);
            if (!window.confirm("Deploy v" + version + "'s text as the next version?")) return;
            const answer = await send("/rollback", { version });
            if (answer.ok) { reload("Rolled back to v" + version + " as v" + answer.body.version); return; }
            const error = document.getElementById("rollback-error");
            error.textContent = (answer.body.error && answer.body.error.message) || ("failed (" + answer.status + ")");
            error.hidden = false;
          }));
          if (discard) discard.addEventListener("click", async () => {
            if (!window.confirm("Throw the draft away? The deployed versions stay as they are.")) return;
            const answer = await fetch(api("/draft"), { method: "DELETE", credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken() } });
            if (answer.ok) reload("Discarded the draft"); else failed({ status: answer.status, body: await answer.json().catch(() => ({})) });
          });
        }
        """#
}
