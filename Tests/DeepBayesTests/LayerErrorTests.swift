import DeepBayesBackends
import DeepBayesNN
import Foundation
import Testing

/// Bad layer configurations and inputs are typed errors, never traps.
@Suite struct LayerErrorTests {
    static func expectError(_ kind: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            try body()
            Issue.record("expected a \(kind) error", sourceLocation: sourceLocation)
        } catch let error as DeepBayesError {
            let matches: Bool
            switch error {
            case .shapeMismatch: matches = kind == "shape"
            case .invalidArgument: matches = kind == "argument"
            case .backendMismatch: matches = kind == "backend"
            default: matches = false
            }
            #expect(matches, "expected a \(kind) error, got \(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected DeepBayesError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func badConfigurationsThrow() throws {
        let backend = TestBackends.cpu
        let initializer = ParameterInitializer(backend: backend, seed: 1)
        Self.expectError("argument") { _ = try Dense(inputs: 0, outputs: 3, initializer) }
        Self.expectError("argument") { _ = try BayesDense(inputs: 4, outputs: -1, prior: .gaussian(sigma: 1), initializer) }
        Self.expectError("argument") { _ = try Conv2D(inChannels: 1, outChannels: 2, window: ConvolutionWindow(size: 0), initializer) }
        Self.expectError("argument") { _ = try BatchNorm(features: 0, initializer) }
        Self.expectError("argument") { _ = try Dropout(1) }
        Self.expectError("argument") { _ = try Activation(.exp) }
        Self.expectError("argument") {
            _ = try BayesConv2D(inChannels: 1, outChannels: 2, window: ConvolutionWindow(size: 3), prior: .gaussian(sigma: 1), estimator: .flipout, initializer)
        }
        Self.expectError("argument") { _ = try BayesianObjective(numberOfBatches: 0) }
    }

    @Test func badInputsThrow() throws {
        let backend = TestBackends.cpu
        let initializer = ParameterInitializer(backend: backend, seed: 2)
        let dense = try Dense(inputs: 4, outputs: 3, initializer)
        let tape = Tape(backend: backend)
        let context = ForwardContext(tape: tape, mode: .training, seed: 3, pass: 0)
        let wrongWidth = tape.constant(try backend.zeros([2, 5]))
        Self.expectError("shape") { _ = try dense(wrongWidth, context) }
        Self.expectError("shape") { _ = try BatchNorm(features: 3, initializer)(wrongWidth, context) }
        Self.expectError("shape") { _ = try Conv2D(inChannels: 1, outChannels: 2, window: ConvolutionWindow(size: 3), initializer)(wrongWidth, context) }
        let output = try dense(tape.constant(backend.zeros([2, 4])), context)
        Self.expectError("shape") { try tape.backward(from: output) }
        Self.expectError("shape") { _ = try tape.crossEntropy(logits: output, labels: backend.zeros([3])) }
        if let other = TestBackends.othersThanCPU.first.map(TestBackends.backend) {
            let foreign = tape.constant(try other.zeros([2, 4]))
            Self.expectError("backend") { _ = try dense(foreign, context) }
        }
    }
}
