import DeepBayesCore
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
import DeepBayesTraining
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `RegressionExperiment` on small settings: the Bayesian network's epistemic band widens outside
/// the training range while the plain network has none, and the files it writes are what they
/// say (the SVG is well-formed XML with a panel per model and view, the CSV has a line per model
/// and grid input, the summary and the checkpoints read back).
@Suite struct RegressionExperimentTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-regression-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func settings(_ curve: ToyCurve, points: Int, steps: Int, hidden: [Int], samples: Int) -> RegressionExperiment.Settings {
        var settings = RegressionExperiment.Settings.defaults(for: curve)
        settings.points = points
        settings.steps = steps
        settings.hidden = hidden
        settings.samples = samples
        return settings
    }

    /// Counts the elements of an XML document by name; nil if it is not well-formed.
    final class ElementCounter: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            counts[name, default: 0] += 1
        }

        static func count(_ data: Data) -> [String: Int]? {
            let parser = XMLParser(data: data), counter = ElementCounter()
            parser.delegate = counter
            return parser.parse() ? counter.counts : nil
        }
    }

    /// 100 points of Blundell's curve, 2 × 32 units, 6000 steps (about a second; seed 1 gives 7.5x, seeds 2-4 between 39x and 64x): the epistemic
    /// 95% width at x = 1.2 is at least `requiredWidening` (5) times its mean on [0, 0.5]; the
    /// plain network's is zero everywhere. The checkpoints hold every parameter and the description.
    @Test func theBayesianBandWidensOutsideTheDataAndThePlainNetworkHasNone() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let experiment = RegressionExperiment(curve: .blundell, methods: [.bnn, .mlp],
                                              settings: Self.settings(.blundell, points: 100, steps: 6000, hidden: [32, 32], samples: 50))
        let summary = try experiment.run(on: TestBackends.cpu, output: directory)
        let bnn = try #require(summary.models.first { $0.model == "bnn" }), mlp = try #require(summary.models.first { $0.model == "mlp" })
        let ratio = try #require(bnn.wideningRatio)
        #expect(ratio >= RegressionExperiment.requiredWidening, "epistemic width \(bnn.epistemicWidthAtEnd) at 1.2, \(bnn.epistemicWidthInside) inside")
        #expect(bnn.passes && mlp.passes && summary.passes)
        #expect(mlp.wideningRatio == nil && mlp.epistemicWidthInside == 0 && mlp.epistemicWidthAtEnd == 0)
        #expect(bnn.aleatoricWorstRelativeError == nil, "Blundell's curve has no additive noise to compare with")

        let decoded = try JSONDecoder().decode(RegressionSummary.self, from: Data(contentsOf: directory.appendingPathComponent("summary.json")))
        #expect(decoded.models.map(\.model) == ["bnn", "mlp"] && decoded.models[0].wideningRatio == bnn.wideningRatio)

        let file = try SafetensorsFile.read(from: directory.appendingPathComponent("bnn.safetensors"))
        let description = try JSONDecoder().decode(RegressionCheckpoint.Description.self,
                                                   from: Data(try #require(file.metadata[RegressionCheckpoint.descriptionKey]).utf8))
        #expect(description.model == "bnn" && description.hidden == [32, 32] && description.noise == "learned" && description.steps == 6000)
        let names = try experiment.model(.bnn, on: TestBackends.cpu).namedParameters.map(\.name)
        #expect(file.tensors.map(\.name).sorted() == names.sorted())
        #expect(names.contains("log_variance.weight_rho") && names.contains("trunk.0.weight_mu"))

        // Loaded back, the regressor is the one saved: the same prior, and the same predictions.
        let (loadedDescription, loaded) = try RegressionCheckpoint.load(file, path: "bnn.safetensors", on: TestBackends.cpu, workingBatch: 8)
        #expect(loadedDescription == description)
        guard case let .bayesian(prior, _) = loaded.kind, case let .gaussian(sigma) = prior else { Issue.record("\(loaded.kind)"); return }
        #expect(sigma == 1)
        let grid = try TestBackends.cpu.tensor([0, 0.5, 1.2], shape: [3, 1])
        let original = try experiment.model(.bnn, on: TestBackends.cpu)
        for named in original.namedParameters { named.parameter.value = try TestBackends.cpu.tensor(file.tensor(named: named.name)!.values, shape: named.parameter.shape) }
        #expect(try loaded.predict(inputs: grid, samples: 4, seed: 9).means == original.predict(inputs: grid, samples: 4, seed: 9).means)
        let broken = try SafetensorsFile(tensors: file.tensors, metadata: [RegressionCheckpoint.descriptionKey: #"{"model": "gp"}"#])
        #expect(throws: DeepBayesError.self) { try RegressionCheckpoint.load(broken, path: "x", on: TestBackends.cpu, workingBatch: 8) }
    }

    /// The heteroscedastic curve with every model for a few steps: `regression.svg` is
    /// well-formed XML holding five panels (three predictive ones, and the aleatoric/epistemic
    /// view of the two models with a learned noise), one dot per training point in each
    /// predictive panel, and bands; `predictions.csv` has a header and a line per model and
    /// grid input.
    @Test func theFilesAreWellFormed() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let points = 40
        let experiment = RegressionExperiment(curve: .heteroscedastic, methods: RegressionExperiment.Method.allCases,
                                              settings: Self.settings(.heteroscedastic, points: points, steps: 20, hidden: [8], samples: 4))
        let summary = try experiment.run(on: TestBackends.cpu, output: directory)
        #expect(summary.models.count == 3)
        #expect(summary.models.first { $0.model == "mcdropout" }?.aleatoricWorstRelativeError != nil)

        let counts = try #require(ElementCounter.count(Data(contentsOf: directory.appendingPathComponent("regression.svg"))), "regression.svg is not well-formed XML")
        #expect(counts["svg"] == 6, "the document and five panels: \(counts)")
        #expect(counts["circle"] == 3 * points, "\(counts)")
        #expect(counts["polygon"] == 2 * 2 + 2 * 3, "two predictive bands per sampling model, three in each decomposition: \(counts)")
        #expect((counts["polyline"] ?? 0) == 3 * 2 + 2, "a prediction and the curve per predictive panel, a mean per decomposition: \(counts)")

        let csv = try String(contentsOf: directory.appendingPathComponent("predictions.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "x,model,mean,median,q25,q75,q025,q975,epistemic_q025,epistemic_q975,epistemic_variance,aleatoric_variance")
        #expect(csv.count == 1 + 3 * RegressionExperiment.gridPoints)
        #expect(csv.dropFirst().allSatisfy { $0.split(separator: ",").count == 12 })
        for name in ["bnn", "mcdropout", "mlp"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(name).safetensors").path))
        }
    }

    /// `RegressionModel.size` counts the parameters the built model holds, for every kind and noise.
    @Test func theSizeWorkedOutIsTheSizeBuilt() throws {
        let kinds: [RegressionModel.Kind] = [.bayesian(prior: .gaussian(sigma: 1), estimator: .localReparameterization), .mcDropout(p: 0.1), .deterministic]
        let noises: [RegressionModel.Noise] = [.learned, .fixed(logVariance: 0), .none]
        for kind in kinds {
            for noise in noises {
                let model = try RegressionModel(hidden: [7, 5], kind: kind, noise: noise, ParameterInitializer(backend: TestBackends.cpu, seed: 1))
                let built = model.namedParameters.map { Double($0.parameter.shape.count) }.reduce(0, +)
                #expect(RegressionModel.size(hidden: [7, 5], kind: kind, noise: noise).parameters == built, "\(kind) \(noise)")
            }
        }
        #expect(throws: DeepBayesError.self) { try RegressionModel(hidden: [], kind: .deterministic, noise: .none, ParameterInitializer(backend: TestBackends.cpu, seed: 1)) }
    }
}
