import ArgumentParser
import DeepBayesBackends
import Foundation

/// Runs `body`, turning a `DeepBayesError` into one line on standard error and exit status 1
/// (no stack trace, no usage text: the message says what was wrong).
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DeepBayesError {
        let message = String(describing: error).split(separator: "\n", omittingEmptySubsequences: false)
        FileHandle.standardError.write(Data(("error: " + message.joined(separator: " | ") + "\n").utf8))
        throw ExitCode.failure
    }
}
