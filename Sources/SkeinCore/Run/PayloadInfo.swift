/// Where a stored payload sits: produced by step `sequence` (0 = the run's input) at `index`.
public struct PayloadInfo: Sendable, Equatable {
    public var runID: RunID
    public var sequence: Int
    public var index: Int
    public var contentType: String
    /// Size in bytes as produced (what a download returns).
    public var size: Int
    /// Size on disk after compression.
    public var storedSize: Int

    public init(runID: RunID, sequence: Int, index: Int, contentType: String, size: Int, storedSize: Int) {
        self.runID = runID; self.sequence = sequence; self.index = index; self.contentType = contentType
        self.size = size; self.storedSize = storedSize
    }

    /// The step that stored it.
    public var step: StepID { StepID(run: runID, sequence: sequence) }
}
