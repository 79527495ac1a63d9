/// The flow canvas's CSS (`FlowCanvas`), served after the main stylesheet. A wide tree scrolls
/// inside its box, never the page.
enum CanvasStyle {
    static let text = #"""
        .canvas { overflow-x: auto; padding: 12px; background: var(--grey-bg); border-radius: 10px; margin-bottom: 16px; }
        .canvas-trigger, .canvas-box { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 8px 12px; min-width: 160px; max-width: 280px; }
        .canvas-trigger { display: inline-block; margin-bottom: 4px; }
        .canvas-seq { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; align-items: flex-start; }
        .canvas-seq > li { position: relative; padding-top: 18px; }
        .canvas-seq > li::before { content: ""; position: absolute; left: 24px; top: 2px; height: 14px; border-left: 2px solid var(--line); }
        .canvas-seq > li::after { content: "▾"; position: absolute; left: 19px; top: 6px; font-size: 11px; color: var(--muted); line-height: 1; }
        .canvas-type { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 700; }
        .canvas-title { overflow-wrap: anywhere; }
        .canvas-run { margin-top: 4px; font-size: 12px; }
        .canvas-counts { font-variant-numeric: tabular-nums; }
        .canvas-node.skipped > .canvas-box { opacity: .6; border-style: dashed; }
        .canvas-node.ran-failure > .canvas-box { border-color: var(--bad); }
        .canvas-node.ran-success > .canvas-box { border-color: var(--ok); }
        .canvas-lanes { display: flex; flex-wrap: nowrap; gap: 12px; margin: 8px 0 0 16px; padding-left: 10px; border-left: 2px dotted var(--line); }
        .canvas-lane { background: var(--card); border: 1px dashed var(--line); border-radius: 10px; padding: 6px 10px 10px; min-width: 180px; }
        .canvas-lane .canvas-lane { background: var(--grey-bg); }
        .canvas-lane-name { font-size: 12px; font-weight: 700; color: var(--muted); overflow-wrap: anywhere; max-width: 320px; }
        .canvas-empty { font-size: 12px; }
        .canvas-box, .canvas-trigger { cursor: pointer; } .canvas-box:hover, .canvas-box:focus, .canvas-trigger:hover, .canvas-trigger:focus { outline: 2px solid var(--info); }
        #trigger-webhook-url { display: block; overflow-wrap: anywhere; margin: 4px 0 8px; } .drawer-field input#trigger-new-token { width: auto; }
        dialog.drawer { margin: 0 0 0 auto; height: 100vh; max-height: 100vh; width: min(560px, 100vw); border-radius: 0; overflow-y: auto; }
        #shape-preview pre { max-height: 220px; overflow: auto; background: var(--soft, #f6f7f9); padding: 6px; margin: 4px 0 8px; }
        .drawer-field { margin-bottom: 10px; } .drawer-field textarea, .drawer-field input, .drawer-field select { width: 100%; box-sizing: border-box; }
        .table-scroll { overflow-x: auto; max-width: 100%; }
        table.diff td { vertical-align: top; } table.diff pre.payload { max-width: 520px; overflow-x: auto; margin: 4px 0; }
        tr.diff-added td { background: var(--ok-bg); } tr.diff-removed td { background: var(--bad-bg); } tr.diff-changed td, tr.diff-moved td { background: var(--warn-bg); }
        .draft-bar { background: var(--warn-bg); border-radius: 10px; padding: 8px 12px; flex-wrap: wrap; }
        """#
}
