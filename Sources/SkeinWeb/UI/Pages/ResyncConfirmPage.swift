import Foundation
import Hummingbird
import SkeinCore
import SkeinOperations

/// The confirmation every resync from the browser passes first (selected entries, every entry
/// matching the report's filters, or one OK entry from its page): what would be sent, with the
/// entries counted by status, OK entries left out unless ticked, and a "Resync" button whose
/// form carries a one-time action token. Nothing is sent until that button is pressed.
struct ResyncConfirmPage {
    let ui: UIController
    let identity: Identity

    /// The page for `selection`; `carried` are the fields that chose it (ids or filters), sent
    /// again with the confirmation; `back` is where "Cancel" and the outcome return to.
    func response(_ selection: SyncOperations.Selection, carried: [(String, String)], back: String) async throws -> Response {
        let sync = ui.operations.sync
        // Chosen OK entries are left out unless ticked (`leavingOutOK`, as the resync does).
        let withoutOK = try await sync.previewResync(identity, try await sync.leavingOutOK(identity, selection), includeOK: false)
        let withOK = try await sync.previewResync(identity, selection, includeOK: true)
        let what: String
        switch selection {
        case .ids(let ids): what = ids.count == 1 ? "sync entry \(ids[0])" : "the \(ids.count) selected entries"
        case .matching: what = "every entry matching the report's filters"
        }
        let tiles = HTML.join(
            SyncStatus.allCases.map { status in
                "<div class=\"count \(status.rawValue)\" data-status=\"\(status.rawValue)\"><b>\(withOK.byStatus[status] ?? 0)</b><span>\(status.rawValue.uppercased())</span></div>"
            })
        let okCount = withOK.toResend - withoutOK.toResend
        let hidden = HTML.join(
            (carried + [("confirmed", "yes"), (ActionTokens.field, ui.operations.actionTokens.issue())]).map {
                "<input type=\"hidden\" name=\"\($0.0)\" value=\"\($0.1)\">"
            })
        let okChoice: HTML =
            okCount == 0
            ? HTML.empty
            : """
            <label class="check"><input type="checkbox" name="include_ok" value="yes" id="include-ok">
            Also send the \(okCount) OK entr\(okCount == 1 ? "y" : "ies") again: the destination already accepted \(okCount == 1 ? "it" : "them"),
            so \(okCount == 1 ? "it is" : "they are") delivered twice unless the destination de-duplicates (Skein sends the same Idempotency-Key)</label>
            """
        let content: HTML = """
            <p class="muted"><a href="\(back)">← Back</a></p>
            <h1>Resync \(what)?</h1>
            <p class="lead" id="resync-summary">Sends <b id="resync-count">\(withoutOK.toResend)</b> entr\(withoutOK.toResend == 1 ? "y" : "ies") again\(okCount == 0 ? "" : ", or \(withOK.toResend) with the OK ones ticked below").
            Entries whose content the destination already has are skipped under the delivery ledger's rule.</p>
            <h2>Entries by status</h2>
            <div class="counts" id="resync-counts">\(tiles)</div>
            <p class="muted">\(Self.countsNote(selection))</p>
            <form method="post" action="/sync/resync" id="confirm-resync-form">
              \(ActionForm.hiddenFields(csrf: identity.csrfToken, back: back))\(hidden)
              \(okChoice)
              <div class="toolbar"><button type="submit" id="confirm-resync">Resync</button> <a class="button secondary" id="cancel-resync" href="\(back)">Cancel</a></div>
            </form>
            """
        return UIController.html(Layout(title: "Confirm resync", section: .sync, identity: identity).render(content))
    }

    static func countsNote(_ selection: SyncOperations.Selection) -> String {
        switch selection {
        case .ids: "The selected entries, by their status now."
        case .matching:
            "Every entry of the report's window and filters (the status filter aside), by status; of these, those matching the status filter are sent."
        }
    }
}
