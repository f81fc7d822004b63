import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// The character language model: it learns a short cycle, its chunks' KL terms add up to the
/// whole KL over an epoch, a checkpoint reloads to the same validation figure, sampling is
/// reproducible and refuses bad arguments, and a malformed description is refused naming the field.
@Suite struct LanguageModelTests {
    /// The first `characters` characters of `abcdefghij` repeated: every character has one successor.
    static func cycle(characters: Int = 1200) throws -> CharacterCorpus {
        try CharacterCorpus(text: Array(String(repeating: "abcdefghij", count: characters / 10 + 1).utf8.prefix(characters)), path: "cycle")
    }

    static func description(_ corpus: CharacterCorpus, cell: RecurrentCell = .lstm, variant: LanguageModelDescription.Variant = .plain,
                            hidden: [Int] = [16], batchSize: Int = 4, bptt: Int = 10) -> LanguageModelDescription {
        LanguageModelDescription(cell: cell, hidden: hidden, variant: variant, prior: .gaussian(sigma: 1), rhoInitial: -5,
                                 dropout: variant == .mcdropout ? 0.1 : 0, vocabulary: corpus.vocabulary.stored, corpus: "cycle",
                                 batchSize: batchSize, bptt: bptt, seed: 3)
    }

    static func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("LanguageModelTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    /// A small LSTM and GRU learn the cycle in a few hundred steps: the training bits per
    /// character fall from about log₂ 10 ≈ 3.3 to near 0, those of the validation text (7
    /// streams of 8 characters, an eighth of them read from a zero state, where an LSTM is
    /// still unsure) below 0.25, and every next character of the validation text is the likeliest.
    /// The 1,010 training characters make 10 streams of 101, which start (from a zero state) at
    /// every phase of the cycle, and chunks of 7 steps start at every phase too: with streams
    /// and chunks that all start with `a`, a network may learn a clock instead of reading its
    /// input, and fail on validation streams that start elsewhere.
    @Test(arguments: RecurrentCell.allCases)
    func learnsACycle(cell: RecurrentCell) throws {
        let corpus = try Self.cycle(characters: 1123)
        let description = Self.description(corpus, cell: cell, batchSize: 10, bptt: 7)
        let (model, metrics) = try Self.withTemporaryDirectory { folder in
            let options = try LanguageModelTrainingOptions(epochs: 20, learningRate: 1e-2, evaluationSamples: 1, output: folder)
            return try LanguageModelTrainer(description: description, corpus: corpus, options: options, backend: TestBackends.cpu,
                                            progress: ProgressReporter(interactive: false)).run()
        }
        let train = try #require(metrics.first { $0.0 == "train_bpc" }?.1), validation = try #require(metrics.first { $0.0 == "validation_bpc" }?.1)
        #expect(train < 0.05, "training bpc \(train)")
        #expect(validation < 0.25, "validation bpc \(validation)")
        let text = corpus.validation
        let indices = text.dropLast().map(Float.init)
        let tape = Tape(backend: TestBackends.cpu)
        let logits = try model.logits(indices: Array(indices), batch: 1, steps: indices.count, from: nil,
                                      ForwardContext(tape: tape, mode: .inference, seed: 1, pass: RandomPass(.evaluation, index: 0))).logits
        let correct = try zip(logits, text.dropFirst()).filter { step, target in
            let values = try step.value.toArray()
            return values.indices.max { values[$0] < values[$1] } == target
        }.count
        #expect(correct == indices.count, "\(correct) of \(indices.count) next characters")
    }

    /// With the uniform weighting the chunks' KL terms `π_k · KL` of one epoch sum to the whole
    /// KL (a Gaussian prior: the KL is the same closed form in every chunk).
    @Test func klTermsSumToTheKLOverAnEpoch() throws {
        let corpus = try Self.cycle()
        let description = Self.description(corpus, variant: .bayesian)
        let model = try description.makeModel(on: TestBackends.cpu)
        let batches = try SequenceBatches(corpus.training, streams: 4, length: 10)
        let objective = try BayesianObjective(numberOfBatches: batches.count)
        var sum = 0.0, whole: Float = 0
        for (index, chunk) in batches.enumerated() {
            let tape = Tape(backend: TestBackends.cpu)
            let context = ForwardContext(tape: tape, mode: .training, seed: 3, pass: RandomPass(.training, index: UInt64(index)))
            let terms = try model.lossTerms(inputs: chunk.inputs, targets: chunk.targets, batch: 4, steps: 10, from: nil,
                                            objective: objective, chunk: index, context)
            sum += Double(try #require(terms.kl).value.scalar()) * 40
            whole = try context.totalKL().value.scalar()
            let loss = try terms.loss.value.scalar(), nll = try terms.nll.value.scalar()
            #expect(abs(loss - (nll + (try terms.kl!.value.scalar()))) <= 1e-5 * abs(loss))
        }
        #expect(batches.count > 1)
        #expect(abs(sum - Double(whole)) <= 1e-4 * Double(whole), "Σ π_k KL = \(sum), KL = \(whole)")
    }

    /// `best.safetensors` reloads to a model with the validation bits per character of its
    /// metrics line (a Bayesian model, whose figure averages sampled runs).
    @Test func checkpointRoundTrip() throws {
        let corpus = try Self.cycle()
        let description = Self.description(corpus, variant: .bayesian)
        try Self.withTemporaryDirectory { folder in
            let options = try LanguageModelTrainingOptions(epochs: 1, learningRate: 1e-2, evaluationSamples: 3, output: folder)
            let trainer = LanguageModelTrainer(description: description, corpus: corpus, options: options, backend: TestBackends.cpu,
                                               progress: ProgressReporter(interactive: false))
            let (_, metrics) = try trainer.run()
            let (loaded, model, metadata) = try LanguageModelCheckpoint.load(from: trainer.bestURL, on: TestBackends.cpu)
            #expect(loaded == description)
            #expect(metadata["deepbayes.epochs"] == "1")
            let figures = try LanguageModelEvaluation.bitsPerCharacter(model, on: corpus.validation, streams: 4, length: 10, samples: 3,
                                                                       seed: description.seed, on: TestBackends.cpu)
            #expect(figures.predictive == metrics.first { $0.0 == "validation_bpc" }?.1)
            #expect(figures.posteriorMean == metrics.first { $0.0 == "validation_bpc_mean" }?.1)
            let lines = try String(contentsOf: trainer.metricsURL, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("{\"epoch\": 1, \"seconds\": ") && lines[0].contains("\"train_kl\": "))
        }
    }

    /// The same seed writes the same text, another seed another; a temperature that is not a
    /// positive finite number, a length below 1 and a prompt character outside the vocabulary
    /// are refused.
    @Test func samplingIsReproducibleAndRefusesBadArguments() throws {
        let corpus = try Self.cycle()
        let model = try Self.description(corpus, variant: .bayesian).makeModel(on: TestBackends.cpu)
        func write(_ seed: UInt64, temperature: Float = 1.5, prompt: String = "abc", length: Int = 60) throws -> String {
            try TextGeneration.generate(model, vocabulary: corpus.vocabulary, prompt: prompt, length: length, temperature: temperature,
                                        seed: seed, on: TestBackends.cpu)
        }
        let first = try write(5)
        #expect(first.count == 60 && first.allSatisfy { "abcdefghij".contains($0) })
        #expect(try write(5) == first)
        #expect(try write(6) != first)
        for temperature: Float in [0, -1, .nan, .infinity] {
            #expect(MessageTests.message { _ = try write(5, temperature: temperature) }?.contains("must be a positive finite number") == true)
        }
        #expect(MessageTests.message { _ = try write(5, length: 0) }?.contains("length 0 must lie in 1...") == true)
        #expect(MessageTests.message { _ = try write(5, prompt: "abz") }?.contains("character 'z' (0x7a) at offset 2 is not in the 10-character vocabulary") == true)
    }

    /// A description lacking a field, with a field of the wrong type, or with sizes or values
    /// out of range is refused with one line naming the field, before anything is allocated.
    @Test func malformedDescriptionIsRefused() throws {
        let corpus = try Self.cycle()
        let good = try Self.description(corpus).json()
        #expect(try LanguageModelDescription.parse(good, path: "x") == Self.description(corpus))
        let cases: [(String, String)] = [
            (good.replacingOccurrences(of: "\"bptt\":10,", with: ""), "the language model description lacks the field 'bptt'"),
            (good.replacingOccurrences(of: "\"hidden\":[16]", with: "\"hidden\":\"16\""), "the language model description's field 'hidden' is not"),
            (good.replacingOccurrences(of: "\"cell\":\"lstm\"", with: "\"cell\":\"rnn\""), "the language model description's field 'cell' is not valid"),
            (good.replacingOccurrences(of: "\"hidden\":[16]", with: "\"hidden\":[4611686018427387904]"), "'hidden' has a layer of 4611686018427387904 units"),
            (good.replacingOccurrences(of: "\"hidden\":[16]", with: "\"hidden\":[]"), "'hidden' has 0 layers"),
            (good.replacingOccurrences(of: "\"batchSize\":4", with: "\"batchSize\":0"), "'batchSize' 0 is outside 1...4096"),
            (good.replacingOccurrences(of: "abcdefghij", with: "jihgfedcba"), "'vocabulary' is not valid"),
            ("{", "the language model description in the metadata is not valid JSON"),
        ]
        for (json, expected) in cases {
            let message = MessageTests.message { _ = try LanguageModelDescription.parse(json, path: "lm.safetensors") }
            #expect(message?.hasPrefix("lm.safetensors: ") == true && message?.contains(expected) == true, "\(message ?? "no error"), expected \(expected)")
        }
    }
}
