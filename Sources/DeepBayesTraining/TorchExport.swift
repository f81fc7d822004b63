import DeepBayesCore
import DeepBayesModels
import DeepBayesNN
import Foundation

/// A model in PyTorch's conventions: the tensors as `torch.nn` names and lays them out, and a
/// Python file that builds the matching module and loads them.
///
/// What changes from a DeepBayes checkpoint: dense weights are transposed to PyTorch's
/// `[out, in]` (`nn.Linear.weight`; Bayesian layers' `weight_mu` and `weight_rho` too);
/// convolution filters become `weight` (their layout, `[out, in, kh, kw]`, and the transposed
/// convolutions' `[in, out, kh, kw]` are already PyTorch's); batch norms' `scale`, `shift` and
/// `running_variance` become `weight`, `bias` and `running_var`. Layer indices stay, since every
/// DeepBayes layer (activations, dropout and reshapes included) becomes one module of an
/// `nn.Sequential` in the same place. Bayesian layers become the file's own `BayesLinear` and
/// `BayesConv2d`, which sample `w = μ + softplus(ρ)·ε` in training mode and use `μ` in eval
/// mode unless asked to sample.
public enum TorchExport {
    /// The exported tensors and the Python source of `model.py`.
    public static func export(_ model: TrainableModel, spec: ModelSpec) throws -> (tensors: [(name: String, shape: [Int], values: [Float])], python: String) {
        var tensors: [(name: String, shape: [Int], values: [Float])] = []
        var build: String
        switch model {
        case let .classifier(classifier):
            guard classifier.logitVarianceHead == nil else {
                throw DeepBayesError.invalidArgument(operation: "export", reason: "a classifier with a learned logit variance has two outputs and no nn.Sequential form; export supports the others")
            }
            build = "    return " + (try sequential(classifier.network, prefix: "", into: &tensors))
        case let .vae(vae):
            let encoder = try sequential(vae.encoder, prefix: "encoder.", into: &tensors)
            let mean = try module(vae.meanHead, name: "mean.", image: false, into: &tensors)
            let logVariance = try module(vae.logVarianceHead, name: "log_variance.", image: false, into: &tensors)
            let decoder = try sequential(vae.decoder, prefix: "decoder.", into: &tensors)
            build = "    model = nn.Module()\n    model.encoder = \(encoder)\n    model.mean = \(mean.python)\n"
                + "    model.log_variance = \(logVariance.python)\n    model.decoder = \(decoder)\n    return model"
        case let .gan(gan):
            let generator = try sequential(gan.generator, prefix: "generator.", into: &tensors)
            let discriminator = try sequential(gan.discriminator, prefix: "discriminator.", into: &tensors)
            let averaged = try sequential(gan.averagedGenerator, prefix: "averaged_generator.", into: &tensors)
            build = "    model = nn.Module()\n    model.generator = \(generator)\n    model.discriminator = \(discriminator)\n"
                + "    model.averaged_generator = \(averaged)\n    return model"
        }
        return (tensors, pythonFile(spec: spec, build: build))
    }

    /// `nn.Sequential(...)` for `network`, its tensors added under `prefix` + index.
    static func sequential(_ network: Sequential, prefix: String, into tensors: inout [(name: String, shape: [Int], values: [Float])]) throws -> String {
        var modules: [String] = [], image = false
        for (index, layer) in network.layers.enumerated() {
            let (python, isImage) = try module(layer, name: "\(prefix)\(index).", image: image, into: &tensors)
            modules.append(python)
            image = isImage
        }
        return "nn.Sequential(\n        " + modules.joined(separator: ",\n        ") + ",\n    )"
    }

    /// The Python constructor of `layer` and whether its output is an image batch; its tensors
    /// are added under `name`. `image` says whether its input is one (a batch norm's kind).
    static func module(_ layer: any Layer, name: String, image: Bool, into tensors: inout [(name: String, shape: [Int], values: [Float])]) throws
        -> (python: String, image: Bool) {
        func add(_ key: String, _ parameter: Parameter, transposed: Bool = false) throws {
            let values = try parameter.value.toArray(), shape = parameter.shape.dimensions
            guard transposed else { tensors.append((name + key, shape, values)); return }
            let (rows, columns) = (shape[0], shape[1])
            let flipped = (0..<(rows * columns)).map { values[($0 % rows) * columns + $0 / rows] }
            tensors.append((name + key, [columns, rows], flipped))
        }
        func window(_ w: ConvolutionWindow) -> String {
            "(\(w.height), \(w.width)), stride=(\(w.strideY), \(w.strideX)), padding=(\(w.padY), \(w.padX))"
        }
        switch layer {
        case let dense as Dense:
            try add("weight", dense.weight, transposed: true)
            try add("bias", dense.bias)
            return ("nn.Linear(\(dense.weight.shape[0]), \(dense.weight.shape[1]))", false)
        case let dense as BayesDense:
            try add("weight_mu", dense.weight.mu, transposed: true)
            try add("weight_rho", dense.weight.rho, transposed: true)
            try add("bias_mu", dense.bias.mu)
            try add("bias_rho", dense.bias.rho)
            return ("BayesLinear(\(dense.weight.mu.shape[0]), \(dense.weight.mu.shape[1]))", false)
        case let conv as Conv2D:
            try add("weight", conv.filter)
            try add("bias", conv.bias)
            return ("nn.Conv2d(\(conv.filter.shape[1]), \(conv.filter.shape[0]), \(window(conv.window)))", true)
        case let conv as ConvTranspose2D:
            try add("weight", conv.filter)
            try add("bias", conv.bias)
            return ("nn.ConvTranspose2d(\(conv.filter.shape[0]), \(conv.filter.shape[1]), \(window(conv.window)))", true)
        case let conv as BayesConv2D:
            for (key, parameter) in [("weight_mu", conv.weight.mu), ("weight_rho", conv.weight.rho), ("bias_mu", conv.bias.mu), ("bias_rho", conv.bias.rho)] {
                try add(key, parameter)
            }
            return ("BayesConv2d(\(conv.weight.mu.shape[1]), \(conv.weight.mu.shape[0]), \(window(conv.window)))", true)
        case let norm as BatchNorm:
            try add("weight", norm.scale)
            try add("bias", norm.shift)
            try add("running_mean", norm.runningMean)
            try add("running_var", norm.runningVariance)
            return ("nn.BatchNorm\(image ? 2 : 1)d(\(norm.scale.shape[0]), eps=\(norm.epsilon), momentum=\(norm.momentum))", image)
        case let activation as Activation:
            switch activation.function {
            case .relu: return ("nn.ReLU()", image)
            case .leakyRelu: return ("nn.LeakyReLU(\(UnaryOp.leakySlope))", image)
            case .tanh: return ("nn.Tanh()", image)
            case .sigmoid: return ("nn.Sigmoid()", image)
            default: throw DeepBayesError.invalidArgument(operation: "export", reason: "activation \(activation.function) has no PyTorch module")
            }
        case let dropout as Dropout:
            return ("nn.Dropout(\(dropout.dropProbability))", image)
        case let scaling as Scaling:
            return ("Scale(\(scaling.factor))", image)
        case let reshape as Reshape:
            guard let shape = reshape.itemShape else { return ("nn.Flatten()", false) }
            return ("nn.Unflatten(1, (\(shape.dimensions.map(String.init).joined(separator: ", ")),))", shape.rank == 3)
        default:
            throw DeepBayesError.invalidArgument(operation: "export", reason: "layer \(type(of: layer)) has no PyTorch module")
        }
    }

    /// `model.py`: the Bayesian modules, `build()` and `load()`.
    static func pythonFile(spec: ModelSpec, build: String) -> String {
        """
        \"\"\"The PyTorch module of a DeepBayes \(spec.sizeSummary) model, written by `deepbayes export --format torch`.

            import model
            net = model.load("model.safetensors")   # needs torch and safetensors (pip install torch safetensors)

        Tensor names and layouts are PyTorch's: every DeepBayes layer (activations, dropout and
        reshapes included) is one module of an nn.Sequential at the same index. Inputs are
        [N, 784] images in [0, 1] (a GAN's generator takes [N, \(GANModel.noiseSize)] normal noise and
        gives images in [-1, 1]). Bayesian layers sample w = mu + softplus(rho) * eps in training
        mode and use mu in eval mode; set `sample = True` on them to average sampled predictions
        as DeepBayes evaluates them. MC dropout predicts with dropout on: call .train() on the
        nn.Dropout modules.
        \"\"\"
        import torch
        from torch import nn
        from torch.nn import functional as F


        class BayesLinear(nn.Module):
            def __init__(self, inputs, outputs):
                super().__init__()
                self.weight_mu = nn.Parameter(torch.zeros(outputs, inputs))
                self.weight_rho = nn.Parameter(torch.zeros(outputs, inputs))
                self.bias_mu = nn.Parameter(torch.zeros(outputs))
                self.bias_rho = nn.Parameter(torch.zeros(outputs))
                self.sample = False

            def weights(self):
                if not (self.training or self.sample):
                    return self.weight_mu, self.bias_mu
                weight = self.weight_mu + F.softplus(self.weight_rho) * torch.randn_like(self.weight_mu)
                bias = self.bias_mu + F.softplus(self.bias_rho) * torch.randn_like(self.bias_mu)
                return weight, bias

            def forward(self, x):
                weight, bias = self.weights()
                return F.linear(x, weight, bias)


        class Scale(nn.Module):
            \"\"\"Multiplies the input by a fixed factor (a classifier trained on pixels scaled other than to [0, 1]).\"\"\"
            def __init__(self, factor):
                super().__init__()
                self.factor = factor

            def forward(self, x):
                return x * self.factor


        class BayesConv2d(BayesLinear):
            def __init__(self, in_channels, out_channels, kernel_size, stride, padding):
                super().__init__(1, 1)
                self.weight_mu = nn.Parameter(torch.zeros(out_channels, in_channels, *kernel_size))
                self.weight_rho = nn.Parameter(torch.zeros(out_channels, in_channels, *kernel_size))
                self.bias_mu = nn.Parameter(torch.zeros(out_channels))
                self.bias_rho = nn.Parameter(torch.zeros(out_channels))
                self.stride, self.padding = stride, padding

            def forward(self, x):
                weight, bias = self.weights()
                return F.conv2d(x, weight, bias, stride=self.stride, padding=self.padding)


        def build():
        \(build)


        def load(path="model.safetensors"):
            from safetensors.torch import load_file
            model = build()
            model.load_state_dict(load_file(path))
            return model.eval()

        """
    }
}
