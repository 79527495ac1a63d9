/// The text view of a draft (`FlowTextPage`), appended to `/assets/skein.js`: CodeMirror on the
/// page's textarea (YAML mode, or JSON when the text starts with `{`), the text checked as you
/// type — CodeMirror's lint addon calls `POST /api/v1/flows/validate` 400 ms after the last
/// keystroke and marks each problem on the line the server located (`FlowProblemLine`), and the
/// list under the editor repeats them — and the Save draft / Discard draft / Deploy buttons,
/// which call the drafts API with the session's cookie and CSRF token. The text is sent and
/// stored exactly as written, so a YAML flow keeps its comments and layout.
enum FlowTextScript {
    static let text = #"""

        document.addEventListener("DOMContentLoaded", () => flowText());

        function flowText() {
          const box = document.getElementById("flow-text-box");
          if (!box || !window.CodeMirror) return;
          const flowID = box.dataset.flow; // "" for a new flow: its text names it
          const editable = box.dataset.editable === "true";
          const state = document.getElementById("draft-state");
          const list = document.getElementById("problems");
          const errorBox = document.getElementById("draft-error");
          const noticeBox = document.getElementById("draft-notice");
          const isJSON = (text) => text.trimStart().startsWith("{");
          const modeOf = (text) => (isJSON(text) ? { name: "javascript", json: true } : "yaml");
          const typeOf = (text) => (isJSON(text) ? "application/json" : "application/yaml");
          const say = (element, text) => { element.textContent = text || ""; element.hidden = !text; };
          const draftPath = () => "/flows/" + encodeURIComponent(flowID) + "/draft";
          const api = (path, options = {}) => fetch("/api/v1" + path, Object.assign({ credentials: "same-origin" }, options, {
            headers: Object.assign({ "X-CSRF-Token": csrfToken() }, options.headers || {}),
          }));
          const failure = async (answer) => {
            const body = await answer.json().catch(() => ({}));
            return (body.error && body.error.message) || `The server answered ${answer.status}.`;
          };
          let editor = null;
          let latest = 0;

          const show = (problems) => {
            if (problems.length === 0) {
              const item = document.createElement("li");
              item.className = "ok-text";
              item.textContent = "No problems: this text can be deployed.";
              list.replaceChildren(item);
              return;
            }
            list.replaceChildren(...problems.map((problem) => {
              const item = document.createElement("li");
              item.className = "error-text";
              item.textContent = (problem.line ? `line ${problem.line}: ` : "") + (problem.path ? problem.path + ": " : "") + problem.message;
              if (problem.line && editor) {
                item.classList.add("jump");
                item.addEventListener("click", () => { editor.focus(); editor.setCursor(problem.line - 1, 0); });
              }
              return item;
            }));
          };

          // CodeMirror's lint addon (async): called `delay` ms after the last change.
          const check = async (text, update, options, cm) => {
            const ticket = ++latest;
            if (text.trim() === "") { show([]); update([]); return; }
            let answer;
            try {
              answer = await api("/flows/validate", { method: "POST", headers: { "Content-Type": typeOf(text) }, body: text });
            } catch (error) {
              if (ticket === latest) say(errorBox, `The server could not be reached: ${error}`);
              return;
            }
            if (ticket !== latest) return;
            if (!answer.ok) { say(errorBox, await failure(answer)); update([]); return; }
            const body = await answer.json();
            show(body.problems);
            update(body.problems.map((problem) => {
              const line = Math.min(Math.max((problem.line || 1) - 1, 0), cm.lineCount() - 1);
              return { from: CodeMirror.Pos(line, 0), to: CodeMirror.Pos(line, cm.getLine(line).length), severity: "error",
                       message: (problem.path ? problem.path + ": " : "") + problem.message };
            }));
          };

          const textarea = document.getElementById("flow-text");
          editor = CodeMirror.fromTextArea(textarea, {
            lineNumbers: true, readOnly: !editable, mode: modeOf(textarea.value), tabSize: 2, indentUnit: 2,
            gutters: ["CodeMirror-lint-markers"], lint: { getAnnotations: check, async: true, delay: 400 },
            extraKeys: { Tab: (cm) => cm.replaceSelection("  ") },
          });
          editor.on("change", () => {
            const mode = modeOf(editor.getValue());
            if (JSON.stringify(mode) !== JSON.stringify(editor.getOption("mode"))) editor.setOption("mode", mode);
          });

          const describe = (body) => {
            if (body.saved) {
              state.textContent = `Draft saved by ${body.updated_by} at ${body.updated_at}` +
                (body.base_version ? `, started from version ${body.base_version}.` : "; the flow is not deployed yet.");
            } else {
              state.textContent = body.latest_version ? `No draft: this is version ${body.latest_version}; saving makes it a draft.` : "No draft.";
            }
          };

          const load = async () => {
            if (!flowID) { state.textContent = "A new flow: its text names it (id). Save draft to keep it, then deploy it."; return; }
            const answer = await api(draftPath());
            if (!answer.ok) { state.textContent = ""; say(errorBox, await failure(answer)); return; }
            const body = await answer.json();
            editor.setValue(body.source);
            editor.clearHistory();
            describe(body);
          };

          const save = async () => {
            say(errorBox); say(noticeBox);
            const text = editor.getValue();
            const options = { method: flowID ? "PUT" : "POST", headers: { "Content-Type": typeOf(text) }, body: text };
            const answer = await api(flowID ? draftPath() : "/drafts", options);
            if (!answer.ok) { say(errorBox, await failure(answer)); return null; }
            const body = await answer.json();
            if (!flowID) {
              window.location.href = "/flows/" + encodeURIComponent(body.flow) + "/text?notice=" + encodeURIComponent(`Saved the first draft of ${body.flow}.`);
              return null;
            }
            describe(body);
            say(noticeBox, body.valid ? "Draft saved." : `Draft saved with ${body.problems.length} problem(s); fix them to deploy it.`);
            return body;
          };

          const on = (id, handler) => { const button = document.getElementById(id); if (button) button.addEventListener("click", handler); };
          on("save-draft", save);
          on("discard-draft", async () => {
            if (!window.confirm("Discard the draft? Deployed versions stay as they are.")) return;
            const answer = await api(draftPath(), { method: "DELETE" });
            if (!answer.ok) { say(errorBox, await failure(answer)); return; }
            window.location.href = window.location.pathname + "?notice=" + encodeURIComponent("Discarded the draft.");
          });
          on("deploy-draft", async () => {
            const saved = await save();
            if (!saved) return;
            if (!saved.valid) { say(errorBox, "The draft has problems (listed below); fix them to deploy it."); return; }
            const answer = await api(draftPath() + "/deploy", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
            if (!answer.ok) { say(errorBox, await failure(answer)); return; }
            const flow = await answer.json();
            window.location.href = "/flows/" + encodeURIComponent(flowID) + "?notice=" + encodeURIComponent(`Deployed version ${flow.version} from the draft.`);
          });
          load();
        }
        """#
}
