import SkeinJSON

/// Decides which branches of a `route` each payload goes down. Pure: the engine stores the
/// decision on the route's step, so a resumed run follows the same paths.
///
/// A branch without a condition takes every payload. Mode `all` sends a payload down every
/// branch whose condition holds; mode `first` down the first only. A payload no branch takes
/// goes to `otherwise` (the child after the branches) when the route has one.
public struct RouteDecider: Sendable {
    let block: RouteBlock
    let conditions: [ShapeExpression?]
    let limits: ExpressionLimits

    /// Compiles every condition; throws the problems of a malformed one (which `flow validate` also reports).
    public init(_ block: RouteBlock, limits: ExpressionLimits = .default) throws(FlowValidationError) {
        let problems = ProblemList()
        conditions = block.branches.enumerated().map { index, branch in
            branch.condition.flatMap {
                ShapeExpression.compile(
                    $0, path: "route.branches[\(index)].condition", setting: "route.branches[\(index)].condition",
                    problems: problems)
            }
        }
        guard problems.isEmpty else { throw FlowValidationError(problems: problems.problems) }
        self.block = block
        self.limits = limits
    }

    /// The child indexes (into `ShapeStructure.children`) payload `index` goes to; empty when
    /// it matches no branch and the route has no `otherwise`. A JSON payload is required only
    /// when some branch has a condition.
    public func children(for payload: Payload, index: Int, context: ShapeContext) throws(ShapeFailure) -> [Int] {
        var document: JSON?
        var chosen: [Int] = []
        for (position, condition) in conditions.enumerated() {
            let holds: Bool
            if let condition {
                if document == nil { document = try payload.document(index: index) }
                holds = ShapeExpression.isTruthy(try condition.evaluate(document ?? .null, payloadIndex: index, limits: limits, context: context))
            } else {
                holds = true
            }
            if holds {
                chosen.append(position)
                if block.mode == .first { break }
            }
        }
        if chosen.isEmpty, block.otherwise != nil { chosen = [block.branches.count] }
        return chosen
    }
}
