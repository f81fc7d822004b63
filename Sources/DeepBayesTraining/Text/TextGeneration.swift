import DeepBayesCore
import DeepBayesData
import DeepBayesModels
import DeepBayesNN
import Foundation

/// Text written by a character language model: the state is warmed up on a prompt, then each
/// next character is drawn from `softmax(logits / temperature)` and fed back.
///
/// Every random number comes from `seed`: the network's (a Bayesian model's one weight sample,
/// MC dropout's masks) from `RandomPass(.sampling, index: 0)`, the same for every step, so the
/// whole text is written by one network; the characters' uniforms from part 1 of that pass,
/// drawn on the host. The same seed writes the same text on every backend that computes the
/// same logits.
public enum TextGeneration {
    /// The most characters one call writes.
    public static let maximumLength = 100_000

    /// `length` characters following `prompt` (not repeated in the result). `invalidArgument`
    /// for a temperature that is not a positive finite number, a length outside
    /// 1...`maximumLength`, an empty prompt, or a prompt character outside the vocabulary (its
    /// message names the character and its offset).
    public static func generate(_ model: CharacterLanguageModel, vocabulary: CharacterVocabulary, prompt: String, length: Int,
                                temperature: Float, seed: UInt64, on backend: any Backend) throws -> String {
        guard temperature > 0, temperature.isFinite else {
            throw DeepBayesError.invalidArgument(operation: "sample", reason: "temperature \(temperature) must be a positive finite number")
        }
        guard (1...maximumLength).contains(length) else {
            throw DeepBayesError.invalidArgument(operation: "sample", reason: "length \(length) must lie in 1...\(maximumLength)")
        }
        let encoded = try vocabulary.encode(prompt)
        guard !encoded.isEmpty else { throw DeepBayesError.invalidArgument(operation: "sample", reason: "the prompt is empty; give at least one character") }
        let pass = RandomPass(.sampling, index: 0), characterStream = pass.part(1).stream(draw: 0)
        var state: [RecurrentState]?, written: [Int] = []
        var logits = try step(model, encoded, from: &state, seed: seed, pass: pass, on: backend)
        for position in 0..<length {
            let words = Philox.words(seed: seed, stream: characterStream, block: UInt64(position / 4))
            let next = draw(logits: logits, temperature: temperature, uniform: Double(Philox.uniform(words[position % 4])))
            written.append(next)
            if position + 1 < length { logits = try step(model, [next], from: &state, seed: seed, pass: pass, on: backend) }
        }
        return vocabulary.decode(written)
    }

    /// Runs `characters` through the model from `state` (updated) and returns the last step's logits.
    private static func step(_ model: CharacterLanguageModel, _ characters: [Int], from state: inout [RecurrentState]?, seed: UInt64,
                             pass: RandomPass, on backend: any Backend) throws -> [Float] {
        let tape = Tape(backend: backend)
        let context = ForwardContext(tape: tape, mode: .inference, seed: seed, pass: pass)
        let (logits, final) = try model.logits(indices: characters.map(Float.init), batch: 1, steps: characters.count,
                                               from: state?.map { $0.detached(on: tape) }, context)
        state = final
        return try logits.last!.value.toArray()
    }

    /// The index `i` whose cumulative probability first exceeds `uniform` (in [0, 1)) under
    /// `p_i ∝ exp((l_i − max l) / temperature)`; the last index if rounding leaves none.
    static func draw(logits: [Float], temperature: Float, uniform: Double) -> Int {
        let largest = logits.max() ?? 0
        let weights = logits.map { Foundation.exp(Double($0 - largest) / Double(temperature)) }
        let threshold = uniform * weights.reduce(0, +)
        var cumulative = 0.0
        for (index, weight) in weights.enumerated() {
            cumulative += weight
            if cumulative > threshold { return index }
        }
        return weights.count - 1
    }
}
