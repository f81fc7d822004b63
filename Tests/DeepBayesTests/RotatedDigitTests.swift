import DeepBayesBackendConformance
import DeepBayesCore
import DeepBayesData
import DeepBayesFiles
import DeepBayesModels
import DeepBayesNN
@testable import DeepBayesTraining
import Foundation
import Testing

/// The rotated-digit experiment's parts: the rotation, every sampled pass's probabilities,
/// the angles, the charts and the files.
@Suite struct RotatedDigitTests {
    static let side = 28
    static let image: [Float] = (0..<(28 * 28)).map { Float(($0 * 7919) % 1000) / 1000 }

    @Test func quarterTurnsArePermutations() throws {
        #expect(try ImageRotation.rotate(Self.image, side: Self.side, degrees: 0) == Self.image)
        var turned = Self.image
        for _ in 0..<4 { turned = try ImageRotation.rotate(turned, side: Self.side, degrees: 90) }
        #expect(turned == Self.image)
        // 90° counter-clockwise: the transposed image with its rows in reverse order.
        let transposedReversed = (0..<Self.side).flatMap { y in (0..<Self.side).map { x in Self.image[x * Self.side + (Self.side - 1 - y)] } }
        #expect(try ImageRotation.rotate(Self.image, side: Self.side, degrees: 90) == transposedReversed)
        #expect(try ImageRotation.rotate(Self.image, side: Self.side, degrees: -270) == transposedReversed)
        #expect(try ImageRotation.rotate(Self.image, side: Self.side, degrees: 180) == Self.image.reversed())
        #expect(try ImageRotation.rotate(Self.image, side: Self.side, degrees: 720) == Self.image)
    }

    @Test func otherAnglesInterpolateBilinearlyWithZerosOutside() throws {
        // A 3 × 3 image with only its right-middle pixel (2, 1) lit, turned 45° counter-clockwise:
        // each output pixel is that pixel's bilinear weight at the point the inverse rotation
        // sends the output pixel to.
        var image = [Float](repeating: 0, count: 9)
        image[1 * 3 + 2] = 1
        let turned = try ImageRotation.rotate(image, side: 3, degrees: 45)
        let c = 1.0, theta = Double.pi / 4
        for y in 0..<3 {
            for x in 0..<3 {
                let u = Double(x) - c, v = c - Double(y)
                let sx = c + u * cos(theta) + v * sin(theta), sy = c + u * sin(theta) - v * cos(theta)
                let weight = max(0, 1 - abs(sx - 2)) * max(0, 1 - abs(sy - 1))
                #expect(abs(Double(turned[y * 3 + x]) - weight) < 1e-6, "(\(x), \(y))")
            }
        }
        #expect(turned[1 * 3 + 1] == 0 && turned[0 * 3 + 2] > 0.5)
        // Mass moves out of the frame as a full image turns: nothing is made up at the corners.
        let ones = [Float](repeating: 1, count: 28 * 28)
        let diagonal = try ImageRotation.rotate(ones, side: 28, degrees: 45)
        #expect(diagonal[0] == 0 && diagonal[14 * 28 + 14] == 1)
        #expect(throws: DeepBayesError.self) { try ImageRotation.rotate([1, 2, 3], side: 2, degrees: 10) }
        #expect(throws: DeepBayesError.self) { try ImageRotation.rotate(ones, side: 28, degrees: .nan) }
    }

    @Test(arguments: TestBackends.names)
    func sampledPassesAverageToThePrediction(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        var random = HostRandom(seed: 12)
        let images = try backend.tensor(random.array(5 * 784, 0, 1), shape: [5, 784])
        let mixture = try ScaleMixturePrior(pi: 0.5, sigma1: 1, sigma2: exp(-6))
        for kind in [ClassifierModel.Kind.bayesian(prior: .scaleMixture(mixture), estimator: .localReparameterization), .mcDropout(p: 0.5),
                     .deterministic(dropout: 0.5)] {
            let model = try ClassifierModel(architecture: .mlp, hidden: [24], kind: kind, ParameterInitializer(backend: backend, seed: 13))
            let passes = try model.sampledProbabilities(images: images, samples: 6, seed: 14)
            let prediction = try model.predict(images: images, samples: 6, seed: 14)
            #expect(passes.count == (model.samplesPredictions ? 6 : 1))
            #expect(passes.allSatisfy { $0.count == 5 * 10 })
            let mean = (0..<50).map { i in passes.reduce(Float(0)) { $0 + $1[i] } / Float(passes.count) }
            #expect(zip(mean, prediction.meanProbabilities).allSatisfy { abs($0 - $1) < 1e-5 }, "\(kind)")
            // The expected entropy is the mean of the passes' entropies.
            let entropies = (0..<5).map { n in
                passes.reduce(Float(0)) { sum, pass in sum - (0..<10).reduce(Float(0)) { $0 + pass[n * 10 + $1] * log(pass[n * 10 + $1]) } } / Float(passes.count)
            }
            #expect(zip(entropies, prediction.expectedEntropy).allSatisfy { abs($0 - $1) < 1e-4 }, "\(kind)")
            if model.samplesPredictions { #expect(passes[0] != passes[1], "\(kind): the passes must differ") }
        }
    }

    @Test func anglesIncludeTheLastWholeStep() throws {
        #expect(try RotatedDigit.angles(from: 0, to: 180, step: 10) == stride(from: 0.0, through: 180, by: 10).map { $0 })
        #expect(try RotatedDigit.angles(from: 0, to: 0.3, step: 0.1).count == 4)
        #expect(try RotatedDigit.angles(from: 5, to: 24, step: 10) == [5, 15])
        #expect(throws: DeepBayesError.self) { try RotatedDigit.angles(from: 0, to: 180, step: 0) }
        #expect(throws: DeepBayesError.self) { try RotatedDigit.angles(from: 10, to: 0, step: 1) }
        #expect(throws: DeepBayesError.self) { try RotatedDigit.angles(from: 0, to: 360, step: 0.01) }
    }

    @Test func writesTheFigureTheStripAndTheTables() throws {
        let backend = TestBackends.cpu
        let model = try ClassifierModel(architecture: .mlp, hidden: [16], kind: .mcDropout(p: 0.5), ParameterInitializer(backend: backend, seed: 21))
        let angles = try RotatedDigit.angles(from: 0, to: 90, step: 30)
        let images = try RotatedDigit.rotations(of: Self.image, side: 28, angles: angles)
        let measurement = try RotatedDigit.measure(model, label: "mcdropout", images: images, angles: angles, samples: 5, seed: 3, on: backend)
        #expect(measurement.sampled.count == 5 && measurement.prediction.count == 4)
        let drawn = RotatedDigit.drawnClasses(measurement)
        #expect(!drawn.isEmpty && drawn.count <= RotatedDigit.drawnClasses)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rotated-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let urls = try RotatedDigit.write([measurement, measurement], images: images, title: "test & title", to: folder)
        let svg = try String(contentsOf: urls[0], encoding: .utf8)
        #expect(svg.hasPrefix("<svg xmlns") && svg.hasSuffix("</svg>\n") && svg.contains("test &amp; title"))
        #expect(svg.components(separatedBy: "<svg ").count - 1 == 1 + 4)  // the page and four panels
        // A dot per drawn class, pass and angle where the pass gives the class 1% or more, in
        // each of the two probability panels.
        var dots = 0
        for c in drawn {
            for pass in measurement.sampled {
                for a in 0..<4 where pass[a * 10 + c] >= RotatedDigit.drawnDot { dots += 1 }
            }
        }
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2 * dots)
        #expect(svg.components(separatedBy: "each pass (dots)</text>").count - 1 == 2 * drawn.count)
        let strip = try PNGImage.decode(Data(contentsOf: urls[1]), path: urls[1].path)
        #expect(strip.width == 4 * 30 + 2 && strip.height == 32)
        let summary = try String(contentsOf: urls[2], encoding: .utf8).split(separator: "\n")
        #expect(summary.count == 1 + 2 * 4 && summary[0].hasPrefix("model,angle,predicted,p0,"))
        let samples = try String(contentsOf: urls[3], encoding: .utf8).split(separator: "\n")
        #expect(samples.count == 1 + 2 * 4 * 5 && samples[1].hasPrefix("mcdropout,0.0,0,"))
    }
}
