import DeepBayesCore
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// Feeds every input to the checks a checkpoint's model description goes through before any
/// model is built: the bytes are decoded as a safetensors file (`SafetensorsFile.decode`); if
/// its metadata has `deepbayes.model`, that JSON is parsed (`ModelSpec.parse`), sized
/// (`checkedSize`, `sizeSummary`) and its training and inference memory for minibatches of
/// 1000 are estimated and checked against a CPU backend with 8 GiB (2 GiB at most per
/// allocation) in a process that may hold 8 GiB; a language model's `deepbayes.language_model`
/// goes through `LanguageModelDescription.parse` (which validates every size), its vocabulary
/// and its own memory estimates, checked the same way. No model is built: a description that
/// passes would next be allocated, which is what the checks guard.
///
/// A thrown error is the code doing its job (its message is rendered too, as the command line
/// would print it). A finding is anything else: a crash, a trap, a sanitizer report, more than
/// `-rss_limit_mb` of memory, more than `-timeout` seconds for one input, or a description
/// that does not survive being written as checkpoints write it (`json()`) and parsed again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let path = "fuzz-input/model.safetensors"
    guard let file = try? SafetensorsFile.decode(bytes, path: path) else { return 0 }
    if let json = file.metadata[LanguageModelCheckpoint.descriptionKey] {
        check(json, at: path, parse: LanguageModelDescription.parse, write: { try $0.json() }) { description in
            _ = try description.characterVocabulary()
            _ = description.summary
            return (description.trainingMemory(), description.inferenceMemory())
        }
    }
    if let json = file.metadata["deepbayes.model"] {
        check(json, at: path, parse: ModelSpec.parse, write: { try $0.json() }) { spec in
            _ = try spec.checkedSize()
            _ = spec.sizeSummary
            return (try spec.trainingMemory(batchSize: 1000), try spec.inferenceMemory(batchSize: 1000))
        }
    }
    return 0
}

/// Parses one description (`path` names the checkpoint in its errors), requires that what `write` makes of it parses back to the same, runs
/// `inspect` (the sizing a command does before building) and checks the memory estimates it
/// returns against a CPU backend with 8 GiB (2 GiB at most per allocation) in a process that may
/// hold 8 GiB. A thrown error is rendered as the command line would print it.
private func check<Description: Equatable>(_ json: String, at path: String, parse: (String, String) throws -> Description, write: (Description) throws -> String,
                                           inspect: (Description) throws -> (training: MemoryBudget, inference: MemoryBudget)) {
    let capabilities = BackendCapabilities(deviceKind: .cpu, totalMemoryBytes: 1 << 33, maximumAllocationBytes: 1 << 31)
    do {
        let description = try parse(json, path)
        if let written = try? write(description) {
            precondition((try? parse(written, path)) == description, "the description \(json) does not survive json() and parse: \(written)")
        }
        let memory = try inspect(description)
        for budget in [memory.training, memory.inference] {
            try budget.check("fuzz", capabilities: capabilities, backend: "cpu", processLimit: 1 << 33)
        }
    } catch {
        _ = String(describing: error)
    }
}
