import ArgumentParser
import SkeinCore

// Run and sync ids are read from the command line as the numbers they are.
extension RunID: ExpressibleByArgument {}
extension SyncEntryID: ExpressibleByArgument {}
