/// Where a run stands. Terminal statuses never change again.
public enum RunStatus: String, Sendable, CaseIterable, Codable {
    /// Accepted and stored, waiting for a worker.
    case queued
    /// A worker is executing it (or was, until its lease expires and another resumes it).
    case started
    case success
    case failure
    /// Stopped on request before it finished.
    case stopped
    /// Finished, but some payloads failed and were routed to a catch path.
    case partialSuccess = "partial_success"

    public var isTerminal: Bool {
        switch self {
        case .queued, .started: false
        case .success, .failure, .stopped, .partialSuccess: true
        }
    }
}

/// Where one step of a run stands.
public enum StepStatus: String, Sendable, CaseIterable, Codable {
    case running
    case success
    case failure
    /// The shape has `skip: true`; its input passed through unchanged.
    case skipped
    /// The run was stopped while this step was next or running.
    case stopped
}

/// How a run started.
public enum TriggerKind: String, Sendable, CaseIterable, Codable {
    case manual
    case schedule
    case webhook
    case api
    /// Started from a stored payload of an earlier run ("replay from this step").
    case replay
    /// Re-run of a failed run from its failed step.
    case retry
    /// Called by another run's `run_flow` step (its `originRunID` is the calling run).
    case flow
}
