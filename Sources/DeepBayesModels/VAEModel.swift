import DeepBayesCore
import DeepBayesNN

/// A variational autoencoder (Kingma & Welling 2014) for 784-pixel images in [0, 1]: a Gaussian
/// encoder `q(z|x) = N(μ(x), e^{λ(x)})` (784 → hidden → `latent` twice: mean and log-variance),
/// a Bernoulli decoder `p(x|z)` (latent → hidden → 784 logits), and the standard normal prior.
public final class VAEModel {
    public let latent: Int
    public let encoder: Sequential
    public let meanHead: Dense
    public let logVarianceHead: Dense
    public let decoder: Sequential

    public init(hidden: Int = 400, latent: Int = 20, _ initializer: ParameterInitializer) throws {
        self.latent = latent
        encoder = Sequential([try Dense(inputs: 784, outputs: hidden, initialization: .lecunUniform, initializer), try Activation(.relu)])
        meanHead = try Dense(inputs: hidden, outputs: latent, initialization: .lecunUniform, initializer)
        logVarianceHead = try Dense(inputs: hidden, outputs: latent, initialization: .lecunUniform, initializer)
        decoder = Sequential([try Dense(inputs: latent, outputs: hidden, initialization: .lecunUniform, initializer), try Activation(.relu),
                              try Dense(inputs: hidden, outputs: 784, initialization: .lecunUniform, initializer)])
    }

    /// The sizes of the model `init` builds for `hidden` and `latent`, worked out without building it.
    public static func size(hidden: Int, latent: Int) -> ModelSize {
        let (hidden, latent) = (Double(hidden), Double(latent))
        var size = ModelSize()
        size.dense(784, hidden)
        size.elementwise(hidden)
        size.dense(hidden, latent)
        size.dense(hidden, latent)
        size.elementwise(latent)  // the sampled code
        size.dense(latent, hidden)
        size.elementwise(hidden)
        size.dense(hidden, 784)
        return size
    }

    /// Every parameter under a stable name (`encoder.0.weight`, `mean.weight`, …).
    public var namedParameters: [NamedParameter] {
        encoder.namedParameters.map { $0.prefixed("encoder") } + meanHead.namedParameters.map { $0.prefixed("mean") }
            + logVarianceHead.namedParameters.map { $0.prefixed("log_variance") } + decoder.namedParameters.map { $0.prefixed("decoder") }
    }

    /// The negative ELBO of each image, `Σ_d BCE(decoder(z), x) + KL(q(z|x) ‖ N(0, I))` with one
    /// reparameterized `z = μ + e^{λ/2}·ε` per image, in nats; shape `[B]`.
    public func negativeELBO(images: Tensor, _ context: ForwardContext) throws -> Variable {
        let tape = context.tape
        let features = try encoder(tape.constant(images), context)
        let mean = try meanHead(features, context), logVariance = try logVarianceHead(features, context)
        let z = try tape.sampleLocal(mean: mean, variance: tape.apply(.exp, logVariance), random: context.nextRandomStream())
        let reconstruction = try tape.binaryCrossEntropy(logits: decoder(z, context), targets: images)
        let perImage = try tape.sum(reconstruction, keepingAxis: 0)
        return try tape.add(perImage, tape.klStandardNormal(mean: mean, logVariance: logVariance))
    }

    /// The training loss: the mean negative ELBO over the minibatch.
    public func loss(images: Tensor, _ context: ForwardContext) throws -> Variable {
        try context.tape.mean(negativeELBO(images: images, context))
    }

    /// Decoded pixel probabilities `σ(decoder(z))` for latent codes `[N, latent]`.
    public func decode(_ codes: Tensor, _ context: ForwardContext) throws -> Tensor {
        try context.backend.apply(.sigmoid, decoder(context.tape.constant(codes), context).value)
    }
}
