/// `/assets/skein.js`: the little behaviour the pages have. Pages work without it except the
/// playground's live result; the CSP forbids inline scripts, so handlers are attached here.
enum Script {
    static let text = #"""
        "use strict";
        const csrfToken = () => (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

        document.addEventListener("DOMContentLoaded", () => {
          // Buttons that ask first: <form data-confirm="...">.
          document.querySelectorAll("form[data-confirm]").forEach((form) => {
            form.addEventListener("submit", (event) => { if (!window.confirm(form.dataset.confirm)) event.preventDefault(); });
          });
          // A form is sent once: while its request runs its buttons are disabled and a second
          // submit (a double click) is dropped. (The server refuses a repeat of a recovery form
          // anyway: each carries a one-time action token.) Disabling waits a tick, so the clicked
          // button's name and value still go with the form.
          document.querySelectorAll('form[method="post"]:not([data-upload])').forEach((form) => {
            form.addEventListener("submit", (event) => {
              if (event.defaultPrevented) return;
              if (form.dataset.sending === "1") { event.preventDefault(); return; }
              form.dataset.sending = "1";
              setTimeout(() => form.querySelectorAll("button").forEach((button) => { button.disabled = true; button.setAttribute("aria-busy", "true"); }), 0);
            });
          });
          // Coming back to a page from the history: its forms can be sent again (with fresh tokens after a reload).
          window.addEventListener("pageshow", (event) => {
            if (!event.persisted) return;
            document.querySelectorAll('form[data-sending="1"]').forEach((form) => {
              delete form.dataset.sending;
              form.querySelectorAll("button").forEach((button) => { button.disabled = false; button.removeAttribute("aria-busy"); });
            });
          });
          // Dialogs: <button data-open="id"> and <button data-close>.
          document.querySelectorAll("[data-open]").forEach((button) => {
            button.addEventListener("click", () => document.getElementById(button.dataset.open).showModal());
          });
          document.querySelectorAll("dialog [data-close]").forEach((button) => {
            button.addEventListener("click", () => button.closest("dialog").close());
          });
          syncReport();
          playground();
          lookupImport();
          liveRun();
        });

        // A queued or running run's page follows the run through /runs/{id}/events (server-sent
        // events; RunEventStream): each step's status and payload counts, new steps as rows, and the
        // run's status, until the event "end" — then the stream is closed so the browser does not
        // reconnect. Without the script the page stays as rendered.
        function liveRun() {
          const table = document.getElementById("steps");
          if (!table || !table.dataset.events || !window.EventSource) return;
          const body = table.querySelector("tbody");
          const badge = (status) => {
            const span = document.createElement("span");
            span.className = `badge badge-${status}`;
            span.textContent = status.replace(/_/g, " ");
            return span;
          };
          const apply = (run) => {
            const status = document.getElementById("run-status");
            if (status) {
              status.replaceChildren(badge(run.status));
              if (run.has_warnings) { status.append(" "); status.append(badge("warning")); }
            }
            table.dataset.status = run.status;
            for (const step of run.steps) {
              let row = document.getElementById(`step-${step.sequence}`);
              if (!row) {
                row = document.createElement("tr");
                row.id = `step-${step.sequence}`;
                const cells = ["num", "", "step-status", "", "num", "num step-attempts", "num", "num", "", "wrap", ""];
                cells.forEach((kind) => { const cell = document.createElement("td"); cell.className = kind; row.append(cell); });
                const name = document.createElement("b");
                name.textContent = step.shape;
                row.cells[0].textContent = step.sequence;
                row.cells[1].append(name);
                const into = document.createElement("span"); into.className = "step-in"; row.cells[6].append(into);
                const out = document.createElement("span"); out.className = "step-out"; row.cells[7].append(out);
                body.append(row);
              }
              row.querySelector(".step-status").replaceChildren(badge(step.status));
              row.querySelector(".step-in").textContent = step.payloads_in;
              row.querySelector(".step-out").textContent = step.payloads_out;
              if (step.error) row.cells[9].textContent = step.error;
            }
          };
          const events = new EventSource(table.dataset.events);
          events.addEventListener("run", (event) => apply(JSON.parse(event.data)));
          events.addEventListener("end", (event) => {
            events.close();
            const run = JSON.parse(event.data);
            apply(run);
            table.dataset.ended = "true";
            const note = document.createElement("p");
            note.className = "notice";
            note.id = "run-ended";
            note.textContent = `The run ended: ${run.status.replace(/_/g, " ")}` + (run.error ? ` — ${run.error}` : "") + ". Reload for its payloads and actions.";
            table.before(note);
          });
        }

        // The Lookups page's CSV import: the chosen file is POSTed as text/csv to the API route in
        // data-upload (the session's cookie and CSRF token), then the page reloads with the counts.
        function lookupImport() {
          const form = document.getElementById("lookup-import");
          if (!form) return;
          const problem = form.querySelector('[role="alert"]');
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            problem.hidden = true;
            const file = form.querySelector('input[type="file"]').files[0];
            if (!file) return;
            const answer = await fetch(form.dataset.upload, { method: "POST", credentials: "same-origin",
              headers: { "Content-Type": "text/csv", "X-CSRF-Token": csrfToken() }, body: file });
            const body = await answer.json().catch(() => ({}));
            if (answer.ok) {
              const notice = `Imported ${file.name}: ${body.added} added, ${body.updated} updated, ${body.unchanged} unchanged.`;
              window.location.href = form.dataset.back + "?notice=" + encodeURIComponent(notice);
            } else {
              problem.textContent = (body.error && body.error.message) || `The import failed (${answer.status}).`;
              problem.hidden = false;
            }
          });
        }

        function syncReport() {
          const table = document.getElementById("sync-table");
          if (!table) return;
          const boxes = () => Array.from(table.querySelectorAll('input[name="id"]'));
          const all = document.getElementById("select-all");
          const selectedButton = document.getElementById("resync-selected");
          const update = () => {
            const count = boxes().filter((box) => box.checked).length;
            if (selectedButton) { selectedButton.disabled = count === 0; selectedButton.textContent = `Resync selected (${count})`; }
          };
          if (all) all.addEventListener("change", () => { boxes().forEach((box) => { box.checked = all.checked; }); update(); });
          boxes().forEach((box) => box.addEventListener("change", update));
          update();
          const extra = document.getElementById("extra-toggle");
          if (extra) {
            const apply = () => { table.classList.toggle("show-extra", extra.checked); localStorage.setItem("skein.sync.extra", extra.checked ? "1" : "0"); };
            if (localStorage.getItem("skein.sync.extra") === "1") extra.checked = true;
            extra.addEventListener("change", apply);
            apply();
          }
        }

        function playground() {
          const expression = document.getElementById("expression");
          const input = document.getElementById("input");
          const result = document.getElementById("result");
          if (!expression || !input || !result) return;
          let timer = null;
          let latest = 0;
          const show = (text, kind) => { result.textContent = text; result.className = kind || ""; };
          const evaluate = async () => {
            const ticket = ++latest;
            if (expression.value.trim() === "") { show("Type an expression to see its result.", "undefined"); return; }
            try {
              const response = await fetch("/playground/evaluate", {
                method: "POST", credentials: "same-origin",
                headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
                body: JSON.stringify({ expression: expression.value, input: input.value }),
              });
              const body = await response.json();
              if (ticket !== latest) return;
              if (body.error) {
                const where = body.error.position != null ? ` at position ${body.error.position}` : "";
                show(`${body.error.code}${where}: ${body.error.message}` + (body.error.caret ? `\n\n${body.error.caret}` : ""), "error");
              } else if (body.undefined) {
                show("(undefined: the expression matched nothing)", "undefined");
              } else {
                show(JSON.stringify(body.result, null, 2), "value");
              }
            } catch (error) {
              if (ticket === latest) show(`The server could not be reached: ${error}`, "error");
            }
          };
          const soon = () => { clearTimeout(timer); timer = setTimeout(evaluate, 300); };
          expression.addEventListener("input", soon);
          input.addEventListener("input", soon);
          const run = document.getElementById("evaluate");
          if (run) run.addEventListener("click", (event) => { event.preventDefault(); evaluate(); });
          evaluate();
        }
        """#
}
