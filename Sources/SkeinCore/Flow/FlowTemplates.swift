public import SkeinJSON

/// Flow templates for "New flow" in the browser: the demo flow (examples/demo/orders-to-erp.yaml,
/// kept equal to that file by `FlowTemplatesTests`). A new flow from a template is its text with
/// the `id` and `name` set in place, comments and all.
public enum FlowTemplates {
    public struct Template: Sendable {
        public var key: String
        public var title: String
        public var text: String
    }

    public static let all: [Template] = [Template(key: "orders-to-erp", title: "The demo flow: paid shop orders to the ERP", text: demoFlow + "\n")]

    /// A new flow from nothing: its id, name and trigger, and no shapes yet (the canvas adds the
    /// first; until then the draft has the problem "a flow needs at least one shape").
    public static func empty(id: String, name: String, trigger: JSON) -> String {
        "id: \(YAMLRendering.string(id))\nname: \(YAMLRendering.string(name))\ntrigger: \(YAMLRendering.flow(trigger))\nshapes: []\n"
    }

    /// A template's text as flow `id` named `name`: only those two values change.
    public static func instantiate(_ template: Template, id: String, name: String) throws(FlowValidationError) -> String {
        let named = try FlowYAMLEdit.setting(template.text, DocumentPath([.key("id")]), to: .string(id))
        return try FlowYAMLEdit.setting(named, DocumentPath([.key("name")]), to: .string(name))
    }

    static let demoFlow = #"""
        # yaml-language-server: $schema=../../docs/flow.schema.json
        # The demo flow: paid orders from the shop go to the ERP every five minutes.
        # Instances 'shop' and 'erp' are created by scripts/demo.sh (or by hand with `skein instance add`).
        id: orders-to-erp
        name: Paid shop orders to the ERP
        description: Pulls every page of orders from the shop, keeps the paid ones and posts each to the ERP.
        trigger: { schedule: "*/5 * * * *" }
        shapes:
          - id: fetch-orders
            http:
              instance: shop
              direction: receive
              method: GET
              path: /orders
              pagination: { type: page, param: page, start: 1 }
              items_path: orders
              max_pages: 50
            retry: { attempts: 3, backoff: 1s }
          - id: each-order
            split: { path: orders }
          - id: paid-only
            filter:
              where: [ { field: financial_status, equals: paid } ]
          - id: to-erp-format
            map:
              fields:
                order_number: id
                reference: name
                customer.email: customer.email
                customer.name: customer.first_name
                total: total_price
                currency: currency
                lines: line_items
          - id: has-lines
            assert:
              that: [ { field: lines, exists: true } ]
          - id: post-to-erp
            http:
              instance: erp
              direction: send
              method: POST
              path: /orders
              body: json
              # Every order sent becomes an entry in the sync report (skein sync list, /sync in the UI).
              sync: { system: ERP, reference: reference, source_id: order_number, endpoint_id: erp_id }
            retry: { attempts: 4, backoff: 500ms, max_backoff: 5s }
        """#
}
