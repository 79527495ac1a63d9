/// `/assets/skein.css`: the one stylesheet of the UI (no build step, no framework).
enum StyleSheet {
    static let text = #"""
        :root { --ink: #1d2430; --muted: #5f6b7a; --line: #dfe3ea; --bg: #f5f7fa; --card: #fff; --accent: #2f5bd3;
                --ok: #1f7a3e; --ok-bg: #e3f4e8; --bad: #b42318; --bad-bg: #fdebea; --warn: #9a6700; --warn-bg: #fff4d6;
                --info: #2f5bd3; --info-bg: #e8eefc; --grey-bg: #eef0f3; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 24px; padding: 8px 24px; min-height: 52px; background: #17202e; color: #fff; }
        header.top .brand { color: #fff; font-weight: 700; font-size: 17px; letter-spacing: .5px; }
        header.top nav { display: flex; flex-wrap: wrap; gap: 4px; flex: 1; min-width: 0; }
        header.top nav a { color: #c9d2e3; padding: 6px 12px; border-radius: 6px; }
        header.top nav a.active, header.top nav a:hover { background: #2a3547; color: #fff; text-decoration: none; }
        header.top .who { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; color: #c9d2e3; }
        header.top .who .role { font-size: 11px; background: #2a3547; padding: 2px 6px; border-radius: 4px; margin-left: 4px; }
        header.top button.link { color: #c9d2e3; }
        main { max-width: 1320px; margin: 0 auto; padding: 20px 24px 60px; overflow-wrap: anywhere; }
        h1 { font-size: 22px; margin: 4px 0 14px; } h2 { font-size: 16px; margin: 26px 0 10px; }
        .lead { color: var(--muted); margin-top: -6px; }
        .muted { color: var(--muted); } .mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 14px; margin-bottom: 8px; }
        .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
        .card h3 { margin: 0 0 10px; font-size: 13px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .4px; }
        .counts { display: flex; flex-wrap: wrap; gap: 8px; }
        .count { display: flex; flex-direction: column; min-width: 78px; padding: 6px 10px; border-radius: 8px; background: var(--grey-bg); color: var(--ink); }
        .count b { font-size: 20px; } .count span { font-size: 12px; color: var(--muted); }
        .count.failure, .count.failed { background: var(--bad-bg); } .count.success, .count.ok { background: var(--ok-bg); }
        .count.pending, .count.started, .count.queued, .count.warned { background: var(--warn-bg); } .count.sent { background: var(--info-bg); }
        .table-box { max-width: 100%; overflow-x: auto; margin-bottom: 8px; border-radius: 10px; }
        .table-box > table.grid { margin: 0; }
        table.grid { overflow-wrap: normal; width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
        table.grid th, table.grid td { padding: 7px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        table.grid th { background: #fafbfc; font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
        table.grid th a { color: var(--muted); } table.grid th a.sorted { color: var(--ink); }
        table.grid tr:last-child td { border-bottom: 0; } table.grid tbody tr:hover { background: #fafbff; }
        table.grid td.num, table.grid th.num { text-align: right; white-space: nowrap; }
        table.grid td.wrap { min-width: 240px; max-width: 420px; overflow-wrap: anywhere; }
        table.grid .extra { display: none; } table.grid.show-extra .extra { display: table-cell; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; background: var(--grey-bg); color: var(--muted); }
        .badge-success, .badge-ok, .badge-recovered { background: var(--ok-bg); color: var(--ok); }
        .badge-failure, .badge-failed { background: var(--bad-bg); color: var(--bad); }
        .badge-pending, .badge-started, .badge-queued, .badge-running, .badge-partial_success, .badge-warning { background: var(--warn-bg); color: var(--warn); }
        .badge-sent, .badge-enabled { background: var(--info-bg); color: var(--info); }
        .badge-skipped, .badge-disabled, .badge-stopped { background: var(--grey-bg); color: var(--muted); }
        form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; margin-bottom: 14px; }
        form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 3px; }
        form.filters label.check { flex-direction: row; align-items: center; gap: 6px; color: var(--ink); }
        input, select, textarea { font: inherit; padding: 6px 8px; border: 1px solid #c8cfda; border-radius: 6px; background: #fff; color: var(--ink); }
        textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; width: 100%; }
        button, .button { font: inherit; font-weight: 600; padding: 6px 12px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; display: inline-block; }
        button.secondary, .button.secondary { background: #fff; color: var(--accent); }
        button.danger { background: var(--bad); border-color: var(--bad); }
        button, .button { white-space: nowrap; } table.grid td b { white-space: nowrap; }
        button.small, .button.small { padding: 2px 8px; font-size: 12px; font-weight: 500; }
        button.link { background: none; border: 0; padding: 0; color: var(--accent); font-weight: 500; }
        button:disabled { opacity: .5; cursor: default; }
        form.inline { display: inline; margin: 0; }
        .toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0; }
        .toolbar .spacer { flex: 1; }
        .notice { padding: 10px 14px; border-radius: 8px; background: var(--ok-bg); color: var(--ok); margin-bottom: 14px; border: 1px solid #bfe3cb; }
        .notice.error { background: var(--bad-bg); color: var(--bad); border-color: #f4c7c3; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 6px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; margin: 0 0 10px; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
        .error-text { color: var(--bad); } .warning-text { color: var(--warn); }
        .pager { display: flex; gap: 12px; margin: 12px 0; }
        pre.payload { background: #0f1724; color: #e5ecf6; padding: 14px 16px; border-radius: 10px; overflow: auto; max-height: 70vh; white-space: pre; }
        .trimmed { margin-top: 8px; padding: 8px 12px; background: var(--warn-bg); color: var(--warn); border-radius: 8px; font-weight: 600; }
        .eye { display: inline-flex; align-items: center; gap: 4px; padding: 1px 6px; border-radius: 6px; border: 1px solid var(--line); background: #fff; font-size: 12px; margin: 1px 2px; }
        .eye svg { width: 14px; height: 14px; }
        ol.shapes { list-style: none; padding: 0; margin: 0; counter-reset: shape; }
        ol.shapes li { display: flex; align-items: center; gap: 12px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; margin-bottom: 8px; }
        ol.shapes li.skipped { opacity: .6; border-style: dashed; }
        ol.shapes li .index { width: 26px; height: 26px; border-radius: 50%; background: var(--grey-bg); display: grid; place-items: center; font-weight: 700; font-size: 12px; }
        ol.shapes li .what { flex: 1; } ol.shapes li .type { font-size: 12px; color: var(--muted); }
        dialog { border: 1px solid var(--line); border-radius: 12px; padding: 18px 20px; width: min(720px, 92vw); box-shadow: 0 20px 60px rgba(0,0,0,.25); }
        dialog::backdrop { background: rgba(15, 23, 36, .45); }
        dialog label { display: block; margin: 10px 0 4px; font-weight: 600; }
        .playground { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        .playground .pane { display: flex; flex-direction: column; gap: 6px; }
        .playground textarea#input { min-height: 420px; } .playground textarea#expression { min-height: 90px; }
        pre#result { background: #0f1724; color: #e5ecf6; padding: 12px 14px; border-radius: 10px; min-height: 120px; max-height: 420px; overflow: auto; white-space: pre-wrap; margin: 0; }
        pre#result.error { background: var(--bad-bg); color: var(--bad); } pre#result.undefined { background: var(--grey-bg); color: var(--muted); }
        details summary { cursor: pointer; color: var(--accent); }
        form.group-form { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; max-width: 640px; }
        form.group-form label { display: block; margin: 8px 0 4px; font-weight: 600; } form.group-form label.check { font-weight: 400; }
        form.group-form input:not([type=checkbox]), form.group-form select { width: 100%; }
        details.edit { display: inline-block; margin-right: 6px; } details.edit[open] { display: block; margin-bottom: 6px; }
        .badge-digest { background: var(--warn-bg); color: var(--warn); }
        pre { max-width: 100%; overflow: auto; }
        #flow-text-box .CodeMirror { height: 62vh; min-height: 280px; border: 1px solid var(--line); border-radius: 8px; font-size: 12.5px; }
        #flow-text-box textarea { min-height: 420px; }
        ul.problems { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px 10px 30px; margin: 0; }
        ul.problems li.jump { cursor: pointer; } .ok-text { color: var(--ok); }
        #instance-credentials .credential { display: flex; gap: 6px; margin-bottom: 6px; } #instance-credentials .credential input { flex: 1; min-width: 0; }
        table.grid td.verdict { max-width: 320px; overflow-wrap: anywhere; }
        @media (max-width: 900px) {
          .playground { grid-template-columns: 1fr; } dl.facts { grid-template-columns: max-content 1fr; }
          /* Tables not wrapped in a .table-box scroll inside themselves. */
          :not(.table-box) > table.grid { display: block; overflow-x: auto; }
          table.grid td.wrap { min-width: 160px; }
        }
        @media (max-width: 600px) {
          header.top { padding: 8px 12px; gap: 4px 12px; } header.top nav a { padding: 4px 8px; }
          header.top nav { order: 3; flex-basis: 100%; } header.top .who { margin-left: auto; }
          main { padding: 14px 12px 40px; }
          dl.facts { grid-template-columns: 1fr; } dl.facts dd { margin-bottom: 6px; }
          form.filters label, form.filters input, form.filters select { max-width: 100%; }
          /* The run page's recovery forms: a step's long option text must not widen the page. */
          form.recover label { display: block; max-width: 100%; } form.recover select { max-width: 100%; }
          ol.shapes li { flex-wrap: wrap; }
        }
        """#
}
