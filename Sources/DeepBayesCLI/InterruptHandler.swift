import DeepBayesTraining
import Dispatch
import Foundation

/// Ctrl-C during training: the first SIGINT asks the run to stop after its current step (it
/// then saves the checkpoint, the optimizers' state and the pictures, and the command exits
/// with status 130); a second one exits at once with 130, leaving what is on disk (every
/// file is written atomically, so nothing is half-written).
final class InterruptHandler {
    let request = InterruptionRequest()
    private let source: DispatchSourceSignal

    /// Installs the handler: SIGINT no longer kills the process until `uninstall`.
    init() {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "deepbayes.sigint"))
        let request = self.request
        source.setEventHandler {
            if request.request() {
                FileHandle.standardError.write(Data("\n".utf8))
                _exit(130)
            }
            FileHandle.standardError.write(Data("\ninterrupted: finishing the current step and saving; Ctrl-C again stops at once\n".utf8))
        }
        source.resume()
    }

    /// Gives SIGINT back its default action.
    func uninstall() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
