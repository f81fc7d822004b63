import ArgumentParser
import DeepBayesBackends
import Foundation

/// Runs `body`, turning a `DeepBayesError` into one line on standard error and exit status 1
/// (no stack trace, no usage text: the message says what was wrong).
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DeepBayesError {
        throw reported(String(describing: error), hint: error.hint)
    } catch let error as any BackendError {
        throw reported(String(describing: error), hint: error.hint)
    }
}

/// Prints `message` (its lines joined with ` | `) and the backend's hint, if any, on
/// standard error; returns the exit status 1 to throw.
private func reported(_ message: String, hint: String?) -> ExitCode {
    let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
    var text = "error: " + lines.joined(separator: " | ") + "\n"
    if let hint { text += "hint: \(hint)\n" }
    FileHandle.standardError.write(Data(text.utf8))
    return ExitCode.failure
}
