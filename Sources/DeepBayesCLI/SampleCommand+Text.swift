import ArgumentParser
import DeepBayesBackends
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// The options of `deepbayes sample` for a character language model.
struct TextSampleOptions: ParsableArguments {
    @Option(help: "Language model: the text the generated one continues (its characters must be in the model's vocabulary).")
    var prompt: String?

    @Option(help: "Language model: how many characters to write (default 400).")
    var length: Int?

    // `.unconditional` reads `--temperature -1` as a value (then refused), not as an option -1.
    @Option(parsing: .unconditional, help: "Language model: the softmax temperature, a positive number; below 1 sharper, above 1 flatter (default 0.8).")
    var temperature: Float?

    static let defaultLength = 400
    static let defaultTemperature: Float = 0.8

    /// Refuses at parse time a prompt that is empty, a length outside 1...`TextGeneration.maximumLength`
    /// and a temperature that is not a positive finite number, and `--length` or `--temperature` without `--prompt`.
    func validateText() throws {
        guard let prompt else {
            try Validation.require(length == nil && temperature == nil, "--length and --temperature are for a language model's --prompt")
            return
        }
        try Validation.require(!prompt.isEmpty, "--prompt is empty: give at least one character")
        if let length {
            try Validation.require((1...TextGeneration.maximumLength).contains(length), "--length \(length) must lie in 1...\(TextGeneration.maximumLength)")
        }
        if let temperature { try Validation.require(temperature.isFinite && temperature > 0, "--temperature \(temperature) must be a positive finite number") }
    }
}

/// `deepbayes sample` of a character language model's checkpoint.
extension SampleCommand {
    /// Prints `--length` characters the model writes after `--prompt` (the prompt first), one
    /// weight sample (Bayesian) or set of masks (MC dropout) for the whole text, from `--seed`.
    func sampleText(_ file: SafetensorsFile, on backend: any Backend) throws {
        guard let prompt = textOptions.prompt else {
            throw DeepBayesError.invalidArgument(operation: "sample", reason: "\(checkpoint) holds a language model: give --prompt (and --length, --temperature)")
        }
        let (description, model, _) = try LanguageModelCheckpoint.load(file, path: checkpoint, on: backend)
        let text = try TextGeneration.generate(model, vocabulary: description.characterVocabulary(), prompt: prompt,
                                               length: textOptions.length ?? TextSampleOptions.defaultLength,
                                               temperature: textOptions.temperature ?? TextSampleOptions.defaultTemperature, seed: seed, on: backend)
        print(prompt + text)
    }
}
