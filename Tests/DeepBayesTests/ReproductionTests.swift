import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing

/// What `deepbayes reproduce blundell2015` rests on: the KL weightings, the validation split,
/// the grid's cell-by-cell resumption on both devices, and pruning by exact fractions.
@Suite struct ReproductionTests {
    /// Both weightings give weights that sum to one over an epoch, for epochs of 1 to 2,000
    /// minibatches (469 is MNIST's at batch 128), so an epoch carries the whole KL once; the
    /// geometric one halves from batch to batch, starting at 2^(M-1)/(2^M-1).
    @Test(arguments: KLWeighting.allCases, [1, 2, 4, 391, 469, 2000])
    func klWeightsSumToOneOverAnEpoch(weighting: KLWeighting, batches: Int) {
        let weights = (0..<batches).map { Double(weighting.weight(batch: $0, of: batches)) }
        #expect(abs(weights.reduce(0, +) - 1) <= 1e-6, "\(weighting), M = \(batches): Σ πᵢ = \(weights.reduce(0, +))")
        #expect(weights.allSatisfy { $0 >= 0 && $0.isFinite })
        if weighting == .geometric {
            let first = 0.5 / (1 - Foundation.pow(2, -Double(batches)))  // 2^(M-1) / (2^M - 1)
            #expect(abs(weights[0] - first) <= 1e-6 * first, "π₁ = \(weights[0]), expected \(first)")
            if batches > 1 { #expect(abs(weights[1] / weights[0] - 0.5) <= 1e-6) }
        } else {
            #expect(weights.allSatisfy { abs($0 - 1 / Double(batches)) <= 1e-7 })
        }
    }

    /// Over an epoch of minibatches that share one weight sample, the weighted minibatch losses
    /// `β · πᵢ · KL + Σ NLL` add up to the negative ELBO `KL + Σᵢ NLLᵢ` with either weighting
    /// (β = 1), and to the tempered `β · KL + Σᵢ NLLᵢ` with β = 0.1.
    @Test(arguments: TestBackends.names, KLWeighting.allCases)
    func weightedMinibatchLossesSumToTheNegativeELBO(backendName: String, weighting: KLWeighting) throws {
        let backend = TestBackends.backend(backendName)
        let kl: Float = 1234.5, nll: [[Float]] = [[0.5, 1.5, 2], [0.25, 0.75, 3], [1, 1, 1], [4, 0.5, 0.125], [2, 2, 0.5]]
        for scale: Float in [1, 0.1] {
            let objective = try BayesianObjective(numberOfBatches: nll.count, kl: KLTerm(weighting: weighting, scale: scale))
            var sum = 0.0
            for (batch, values) in nll.enumerated() {
                let tape = Tape(backend: backend, recordsGradients: false)
                let loss = try objective.minibatchLoss(kl: tape.constant(backend.tensor([kl], shape: [])),
                                                       negativeLogLikelihoods: tape.constant(backend.tensor(values, shape: [values.count])), batch: batch, on: tape)
                sum += Double(try loss.value.scalar())
            }
            let expected = Double(scale) * Double(kl) + nll.flatMap { $0 }.map(Double.init).reduce(0, +)
            #expect(abs(sum - expected) <= 1e-5 * expected, "\(weighting), β = \(scale) on \(backendName): \(sum) vs \(expected)")
        }
    }

    /// The held-out images are disjoint from the trained-on ones and together they are the
    /// whole set; the split is a function of the seed (the same seed gives the same split,
    /// another seed another), and no training minibatch of any epoch holds a held-out image.
    @Test func theValidationSplitIsDisjointFromTrainingAndFixedBySeed() throws {
        let split = try ValidationSplit(items: 1000, holdingOut: 200, seed: 5)
        #expect(split.validationIndices.count == 200 && split.trainingIndices.count == 800)
        #expect(Set(split.trainingIndices).isDisjoint(with: split.validationIndices))
        #expect((split.trainingIndices + split.validationIndices).sorted() == Array(0..<1000))
        #expect(try ValidationSplit(items: 1000, holdingOut: 200, seed: 5).validationIndices == split.validationIndices)
        #expect(try ValidationSplit(items: 1000, holdingOut: 200, seed: 6).validationIndices != split.validationIndices)
        // Label every item by its index, so a batch's labels name the items it holds.
        let dataset = try Dataset(images: [Float](repeating: 0, count: 1000), labels: (0..<1000).map(Float.init), rows: 1, columns: 1)
        let (training, validation) = split.apply(to: dataset)
        #expect(validation.labels.map { Int($0) } == split.validationIndices)
        let held = Set(split.validationIndices)
        for epoch in 0..<3 {
            for batch in try Batches(training, batchSize: 64, shuffleSeed: 5, epoch: epoch) {
                #expect(batch.labels.allSatisfy { !held.contains(Int($0)) }, "epoch \(epoch) trains on a held-out image")
            }
        }
        #expect(throws: DeepBayesError.self) { _ = try ValidationSplit(items: 10, holdingOut: 10, seed: 1) }
        #expect(throws: DeepBayesError.self) { _ = try ValidationSplit(items: 10, holdingOut: 0, seed: 1) }
    }

    /// A two-cell grid (plain network and scale-mixture Bayes by Backprop, 6 units) on tiny
    /// data trains both cells, chooses each epoch on the validation split and writes its
    /// result; run again, it trains nothing (the checkpoints stay byte for byte); a cell with
    /// a checkpoint but no result is resumed (its metrics keep their lines) and evaluated again
    /// to the same figures.
    @Test(arguments: TestBackends.names)
    func aTwoCellGridTrainsOnceAndResumesCellByCell(backendName: String) throws {
        try OutputFileTests.withTemporaryDirectory { root in
            let data = root.appendingPathComponent("data")
            try OutputFileTests.writeTinyDataset(in: data, count: 48)
            func grid() -> ReproductionGrid {
                ReproductionGrid(output: root.appendingPathComponent("grid"), epochs: 2, seed: 3, validation: 16, trainLimit: nil, testLimit: nil,
                                 samples: 2, data: DataSource(root: data), backend: TestBackends.backend(backendName),
                                 progress: ProgressReporter(interactive: false))
            }
            let cells = [Blundell2015.Cell(method: .sgd, units: 6), Blundell2015.Cell(method: .mixture, units: 6)]
            var first: [CellResult] = []
            for cell in cells {
                let (result, trained) = try grid().run(cell)
                #expect(trained)
                #expect(result.epochs == 2 && (1...2).contains(result.bestEpoch) && result.samples == 2)
                #expect(result.testError.isFinite && result.validationError.isFinite)
                let metrics = try String(contentsOf: grid().folder(cell).appendingPathComponent("metrics.jsonl"), encoding: .utf8)
                #expect(metrics.split(separator: "\n").count == 2)
                #expect(metrics.contains("\"validation_error\"") && !metrics.contains("\"test_error\""), "the test set must not be evaluated per epoch")
                first.append(result)
            }
            let checkpoints = try cells.map { try Data(contentsOf: grid().folder($0).appendingPathComponent("model.safetensors")) }
            for (cell, result) in zip(cells, first) {
                let again = try grid().run(cell)
                #expect(!again.trained && again.result == result)
            }
            #expect(try cells.map { try Data(contentsOf: grid().folder($0).appendingPathComponent("model.safetensors")) } == checkpoints)

            try FileManager.default.removeItem(at: grid().resultURL(cells[1]))
            let resumed = try grid().run(cells[1])
            #expect(resumed.trained)
            #expect(resumed.result.testError == first[1].testError && resumed.result.bestEpoch == first[1].bestEpoch)
            let metrics = try String(contentsOf: grid().folder(cells[1]).appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            #expect(metrics.split(separator: "\n").count == 2)
            let table = PaperTables.table1(Dictionary(uniqueKeysWithValues: zip(cells, first)), methods: [.sgd, .mixture], units: [6])
            #expect(table.contains("| SGD, no regularisation | \(PaperTables.percent(first[0].testError)) |"))
        }
    }

    /// Pruning by each of Table 2's fractions sets exactly `round(fraction · weights)` weights
    /// to zero (the biases untouched), and the pictures of the ratios are SVG documents.
    @Test(arguments: [0, 0.5, 0.75, 0.95, 0.98])
    func pruningRemovesExactlyTheFraction(fraction: Double) throws {
        let backend = TestBackends.cpu
        let model = try ClassifierModel(architecture: .mlp, hidden: [30, 20], kind: .bayesian(prior: .gaussian(sigma: 1), estimator: .localReparameterization),
                                        rhoInitial: -3, ParameterInitializer(backend: backend, seed: 9))
        let weights = SignalToNoisePruning.weightPosteriors(of: model.network).reduce(0) { $0 + $1.mu.shape.count }
        #expect(weights == 784 * 30 + 30 * 20 + 20 * 10)
        let pruned = try SignalToNoisePruning.prune(model.network, fraction: fraction)
        let zeros = try SignalToNoisePruning.weightPosteriors(of: model.network).map { try $0.mu.value.toArray().filter { $0 == 0 }.count }.reduce(0, +)
        #expect(pruned == Int((fraction * Double(weights)).rounded()) && zeros == pruned, "\(fraction): pruned \(pruned), zeros \(zeros) of \(weights)")
        let charts = try PruningPlots.charts(of: model.network, fraction: fraction)
        #expect(charts.map(\.name) == ["snr-density", "snr-cdf", "weights"])
        for (_, chart) in charts {
            let svg = try chart.svg()
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && svg.hasSuffix("</svg>\n"))
        }
    }
}
