import DeepBayesCore
import DeepBayesNN

/// The generator and discriminator layouts of a GAN for 28×28 images.
public enum GANArchitecture: String, Sendable, CaseIterable {
    /// Fully connected: G 100 → 256 → 512 → 1024 → 784 (tanh), D 784 → 1024 → 512 → 256 → 1,
    /// leaky relu, dropout 0.3 after each hidden layer of D.
    case mlp
    /// DCGAN (Radford et al. 2016) in the MNIST layout of InfoGAN (Chen et al. 2016): G 100 → 1024
    /// → 128·7·7 (dense, batch norm, relu) → ConvT 4×4/2 → 64·14·14 (batch norm, relu) → ConvT
    /// 4×4/2 → 1·28·28 (tanh); D conv 4×4/2 to 64·14·14 (leaky relu) and 128·7·7 (batch norm,
    /// leaky relu), dense 1024 (batch norm, leaky relu), then dense → 1. Weights from N(0, 0.02²).
    case dcgan
}

/// A generative adversarial network (Goodfellow et al. 2014) on images scaled to [-1, 1], trained
/// with alternating steps and the non-saturating generator loss `-log D(G(z))`. Samples come
/// from a moving average of the generator's weights.
public final class GANModel {
    /// The size of the generator's standard normal code.
    public static let noiseSize = 100
    /// The weight of the old average in the generator's moving average (a horizon of about
    /// 1000 steps, two epochs of MNIST at batch 128).
    public static let averageDecay: Float = 0.999
    /// Minibatches of 128 codes that `recalibrateAveragedGenerator` runs.
    public static let recalibrationBatches = 50
    /// The layouts of the generator and the discriminator.
    public let architecture: GANArchitecture
    /// The generator being trained.
    public let generator: Sequential
    /// The discriminator: one logit per image, real versus generated.
    public let discriminator: Sequential
    /// The exponential moving average of the generator's weights (decay `averageDecay`), with
    /// batch-norm statistics of its own: the generator that samples. Averaging smooths out the
    /// oscillation of adversarial training (Yazıcı et al. 2019).
    public let averagedGenerator: Sequential
    private let average: ExponentialMovingAverage

    public init(architecture: GANArchitecture, _ initializer: ParameterInitializer) throws {
        self.architecture = architecture
        generator = try GANModel.makeGenerator(architecture, initializer)
        switch architecture {
        case .mlp:
            discriminator = Sequential([
                try Dense(inputs: 784, outputs: 1024, initializer), try Activation(.leakyRelu), try Dropout(0.3),
                try Dense(inputs: 1024, outputs: 512, initializer), try Activation(.leakyRelu), try Dropout(0.3),
                try Dense(inputs: 512, outputs: 256, initializer), try Activation(.leakyRelu), try Dropout(0.3),
                try Dense(inputs: 256, outputs: 1, initialization: .lecunUniform, initializer),
            ])
        case .dcgan:
            let normal = WeightInitialization.normal(std: 0.02)
            let up = ConvolutionWindow(size: 4, stride: 2, padding: 1)
            discriminator = Sequential([
                Reshape(itemShape: [1, 28, 28]),
                try Conv2D(inChannels: 1, outChannels: 64, window: up, initialization: normal, initializer), try Activation(.leakyRelu),
                try Conv2D(inChannels: 64, outChannels: 128, window: up, initialization: normal, initializer),
                try BatchNorm(features: 128, initializer), try Activation(.leakyRelu),
                Reshape.flatten, try Dense(inputs: 128 * 7 * 7, outputs: 1024, initialization: normal, initializer),
                try BatchNorm(features: 1024, initializer), try Activation(.leakyRelu),
                try Dense(inputs: 1024, outputs: 1, initialization: normal, initializer),
            ])
        }
        averagedGenerator = try GANModel.makeGenerator(architecture, initializer)
        for (average, source) in zip(averagedGenerator.parameters, generator.parameters) {
            average.value = try initializer.backend.copy(source.value)
        }
        average = try ExponentialMovingAverage(of: generator.trainableParameters, into: averagedGenerator.trainableParameters,
                                               decay: GANModel.averageDecay)
    }

    private static func makeGenerator(_ architecture: GANArchitecture, _ initializer: ParameterInitializer) throws -> Sequential {
        let z = GANModel.noiseSize
        switch architecture {
        case .mlp:
            return Sequential([
                try Dense(inputs: z, outputs: 256, initializer), try Activation(.leakyRelu),
                try Dense(inputs: 256, outputs: 512, initializer), try Activation(.leakyRelu),
                try Dense(inputs: 512, outputs: 1024, initializer), try Activation(.leakyRelu),
                try Dense(inputs: 1024, outputs: 784, initialization: .lecunUniform, initializer), try Activation(.tanh),
            ])
        case .dcgan:
            let normal = WeightInitialization.normal(std: 0.02)
            let up = ConvolutionWindow(size: 4, stride: 2, padding: 1)
            return Sequential([
                try Dense(inputs: z, outputs: 1024, initialization: normal, initializer),
                try BatchNorm(features: 1024, initializer), try Activation(.relu),
                try Dense(inputs: 1024, outputs: 128 * 7 * 7, initialization: normal, initializer),
                try BatchNorm(features: 128 * 7 * 7, initializer), try Activation(.relu),
                Reshape(itemShape: [128, 7, 7]),
                try ConvTranspose2D(inChannels: 128, outChannels: 64, window: up, initialization: normal, initializer),
                try BatchNorm(features: 64, initializer), try Activation(.relu),
                try ConvTranspose2D(inChannels: 64, outChannels: 1, window: up, initialization: normal, initializer),
                try Activation(.tanh), Reshape.flatten,
            ])
        }
    }

    /// The sizes of the generator and the discriminator `init` builds for `architecture`, worked
    /// out without building them (the averaged generator is a third network of the generator's size).
    public static func size(architecture: GANArchitecture) -> (generator: ModelSize, discriminator: ModelSize) {
        var generator = ModelSize(), discriminator = ModelSize()
        let z = Double(noiseSize)
        switch architecture {
        case .mlp:
            for (inputs, outputs) in [(z, 256.0), (256, 512), (512, 1024), (1024, 784)] {
                generator.dense(inputs, outputs)
                generator.elementwise(outputs)
            }
            for (inputs, outputs) in [(784.0, 1024.0), (1024, 512), (512, 256)] {
                discriminator.dense(inputs, outputs)
                discriminator.elementwise(outputs)
                discriminator.elementwise(outputs)
            }
            discriminator.dense(256, 1)
        case .dcgan:
            generator.dense(z, 1024)
            generator.batchNorm(1024)
            generator.elementwise(1024)
            generator.dense(1024, 128 * 7 * 7)
            generator.batchNorm(128 * 7 * 7)
            generator.elementwise(128 * 7 * 7)
            generator.convolution(128, 64, window: 4, outputPixels: 14 * 14, inputPixels: 7 * 7, transposed: true)
            generator.batchNorm(64)
            generator.elementwise(64 * 14 * 14)
            generator.convolution(64, 1, window: 4, outputPixels: 28 * 28, inputPixels: 14 * 14, transposed: true)
            generator.elementwise(28 * 28)
            discriminator.convolution(1, 64, window: 4, outputPixels: 14 * 14, inputPixels: 28 * 28)
            discriminator.elementwise(64 * 14 * 14)
            discriminator.convolution(64, 128, window: 4, outputPixels: 7 * 7, inputPixels: 14 * 14)
            discriminator.batchNorm(128)
            discriminator.elementwise(128 * 7 * 7)
            discriminator.dense(128 * 7 * 7, 1024)
            discriminator.batchNorm(1024)
            discriminator.elementwise(1024)
            discriminator.dense(1024, 1)
        }
        return (generator, discriminator)
    }

    /// Every parameter under a stable name (`generator.0.weight`, `discriminator.1.filter`, …).
    public var namedParameters: [NamedParameter] {
        generator.namedParameters.map { $0.prefixed("generator") } + discriminator.namedParameters.map { $0.prefixed("discriminator") }
            + averagedGenerator.namedParameters.map { $0.prefixed("averaged_generator") }
    }

    /// Moves the averaged generator's weights toward the generator's; call after each
    /// generator step.
    public func updateAverage() throws {
        try average.update()
    }

    /// Gives the averaged generator the batch-norm statistics of its own weights (the trained
    /// generator's would not fit them): runs it in training mode, without gradients, on
    /// `recalibrationBatches` minibatches of fresh codes. Call before sampling after training.
    public func recalibrateAveragedGenerator(seed: UInt64, on backend: any Backend) throws {
        for batch in 0..<UInt64(GANModel.recalibrationBatches) {
            let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .training, seed: seed, pass: RandomPass(.recalibration, index: batch))
            _ = try averagedGenerator(context.tape.constant(noise(count: 128, context)), context)
        }
    }

    /// Standard normal noise `[count, 100]` from the pass's random streams.
    public func noise(count: Int, _ context: ForwardContext) throws -> Tensor {
        try context.backend.randomNormal(Shape.validated([count, GANModel.noiseSize], for: "GAN noise"), context.nextRandomStream())
    }

    /// The discriminator's loss on real images `[B, 784]` in [-1, 1] and fakes made without
    /// recording the generator: `mean BCE(D(x), 1) + mean BCE(D(G(z)), 0)`.
    public func discriminatorLoss(real: Tensor, _ context: ForwardContext) throws -> Variable {
        let tape = context.tape, backend = context.backend
        let batch = real.shape[0]
        let generatorContext = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: context.mode,
                                              seed: context.seed, pass: context.pass.part(1))
        let fake = try generator(generatorContext.tape.constant(noise(count: batch, generatorContext)), generatorContext).value
        let ones = try backend.filled([batch, 1], value: 1), zeros = try backend.zeros([batch, 1])
        let realLoss = try tape.mean(tape.binaryCrossEntropy(logits: discriminator(tape.constant(real), context), targets: ones))
        let fakeLoss = try tape.mean(tape.binaryCrossEntropy(logits: discriminator(tape.constant(fake), context), targets: zeros))
        return try tape.add(realLoss, fakeLoss)
    }

    /// The non-saturating generator loss `mean BCE(D(G(z)), 1)` for `batch` fresh codes. The
    /// discriminator's parameters are frozen on the tape: the gradient reaches the generator
    /// through the discriminator's input, and no discriminator weight gradient is computed.
    public func generatorLoss(batch: Int, _ context: ForwardContext) throws -> Variable {
        let tape = context.tape
        tape.freeze(discriminator.parameters)
        let fake = try generator(tape.constant(noise(count: batch, context)), context)
        let ones = try context.backend.filled([batch, 1], value: 1)
        return try tape.mean(tape.binaryCrossEntropy(logits: discriminator(fake, context), targets: ones))
    }

    /// Images in [0, 1] (`[count, 784]`) from the averaged generator in inference mode.
    public func sample(count: Int, seed: UInt64, on backend: any Backend) throws -> Tensor {
        let context = ForwardContext(tape: Tape(backend: backend, recordsGradients: false), mode: .inference, seed: seed, pass: RandomPass(.sampling, index: 0))
        let images = try averagedGenerator(context.tape.constant(noise(count: count, context)), context).value
        return try backend.scaled(images, by: 0.5, plus: 0.5)
    }
}
