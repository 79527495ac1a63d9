/// The Instances page (`InstancesPage`), appended to `/assets/skein.js`: **Test** posts to
/// `/api/v1/instances/{name}/test` and shows the verdict in the row; **Add instance** and **Edit**
/// open the dialog (Edit pre-fills it from the row; credential fields start blank, since the page
/// never has their values, and a blank one keeps the stored secret); **Save** sends the form as
/// `PUT /api/v1/instances/{name}`; **Delete** asks, then sends `DELETE`. Errors are the API's.
enum InstancesScript {
    static let text = #"""

        document.addEventListener("DOMContentLoaded", () => instancesPage());

        function instancesPage() {
          const table = document.getElementById("instances");
          const pageError = document.getElementById("instance-error");
          const say = (element, text) => { if (!element) return; element.textContent = text || ""; element.hidden = !text; };
          const api = (path, options = {}) => fetch("/api/v1/instances/" + path, Object.assign({ credentials: "same-origin" }, options, {
            headers: Object.assign({ "X-CSRF-Token": csrfToken(), "Content-Type": "application/json" }, options.headers || {}),
          }));
          const failure = async (answer) => {
            const body = await answer.json().catch(() => ({}));
            return (body.error && body.error.message) || `The server answered ${answer.status}.`;
          };
          const reload = (notice) => { window.location.href = "/instances?notice=" + encodeURIComponent(notice); };

          document.querySelectorAll("[data-test]").forEach((button) => button.addEventListener("click", async () => {
            const cell = button.closest("tr").querySelector(".verdict");
            cell.textContent = "Testing…";
            cell.className = "verdict";
            const answer = await api(encodeURIComponent(button.dataset.test) + "/test", { method: "POST", body: "{}" });
            if (!answer.ok) { cell.textContent = await failure(answer); cell.className = "verdict error-text"; return; }
            const body = await answer.json();
            cell.textContent = `${body.ok ? "ok" : "failed"}: ${body.message}`;
            cell.className = "verdict " + (body.ok ? "ok-text" : "error-text");
          }));
          document.querySelectorAll("[data-delete]").forEach((button) => button.addEventListener("click", async () => {
            const name = button.dataset.delete;
            if (!window.confirm(`Delete instance '${name}'? Flows that use it will fail until it is added again.`)) return;
            const answer = await api(encodeURIComponent(name), { method: "DELETE" });
            if (!answer.ok) { say(pageError, await failure(answer)); return; }
            reload(`Deleted instance '${name}'.`);
          }));

          const dialog = document.getElementById("instance-dialog");
          if (!dialog) return;
          const form = document.getElementById("instance-form");
          const field = (name) => form.querySelector(`[name="${name}"]`);
          const credentials = document.getElementById("instance-credentials");
          const formError = document.getElementById("instance-form-error");
          let editing = null;
          const credentialRow = (name, stored) => {
            const row = document.createElement("div");
            row.className = "credential";
            const key = Object.assign(document.createElement("input"), { className: "credential-name", value: name || "", placeholder: "name", readOnly: stored });
            key.setAttribute("aria-label", "Credential name");
            const value = Object.assign(document.createElement("input"), { className: "credential-value", type: "password", autocomplete: "new-password",
              placeholder: stored ? "blank: keep the stored value" : "value" });
            value.setAttribute("aria-label", `Value of credential ${name || ""}`.trim());
            const remove = Object.assign(document.createElement("button"), { type: "button", className: "small secondary", textContent: "Remove" });
            remove.addEventListener("click", () => row.remove());
            row.append(key, value, remove);
            credentials.append(row);
          };
          const open = (row) => {
            editing = row ? row.dataset.name : null;
            say(formError);
            form.reset();
            credentials.replaceChildren();
            document.getElementById("instance-form-title").textContent = editing ? `Edit instance '${editing}'` : "Add instance";
            field("name").readOnly = !!editing;
            if (row) {
              field("name").value = row.dataset.name;
              field("type").value = row.dataset.type;
              field("address").value = row.dataset.address;
              field("rate_limit").value = row.dataset.rateLimit;
              field("timeout_ms").value = row.dataset.timeoutMs;
              field("settings").value = row.dataset.settings;
              row.dataset.credentials.split(",").filter((name) => name).forEach((name) => credentialRow(name, true));
            }
            dialog.showModal();
          };
          document.getElementById("add-instance").addEventListener("click", () => open(null));
          document.querySelectorAll("[data-edit]").forEach((button) => button.addEventListener("click", () => open(button.closest("tr"))));
          document.getElementById("add-credential").addEventListener("click", () => credentialRow("", false));

          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            say(formError);
            let settings;
            try { settings = JSON.parse(field("settings").value.trim() || "{}"); } catch (error) {
              say(formError, `Settings: not a JSON object (${error.message}).`);
              return;
            }
            const secrets = {};
            for (const row of credentials.querySelectorAll(".credential")) {
              const name = row.querySelector(".credential-name").value.trim();
              if (name) secrets[name] = row.querySelector(".credential-value").value;
            }
            const body = { type: field("type").value, address: field("address").value.trim(), settings, credentials: secrets,
                           timeout_ms: Number(field("timeout_ms").value) };
            if (field("rate_limit").value.trim()) body.rate_limit = field("rate_limit").value.trim();
            const name = field("name").value.trim();
            if (!name) { say(formError, "A name is required."); return; }
            const answer = await api(encodeURIComponent(name), { method: "PUT", body: JSON.stringify(body) });
            if (!answer.ok) { say(formError, await failure(answer)); return; }
            dialog.close();
            reload(`${editing ? "Saved" : "Added"} instance '${name}'.`);
          });
        }
        """#
}
