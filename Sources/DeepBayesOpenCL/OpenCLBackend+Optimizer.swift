import DeepBayesCore

extension OpenCLBackend {
    /// SGD with momentum, updating `parameter` and `velocity` in place (kernel `sgd_step`).
    public func _sgdStep(_ parameter: Tensor, _ gradient: Tensor, _ velocity: Tensor, _ configuration: SGDConfiguration) throws {
        try launch(.optimizer, "sgd_step", global: [chunks(parameter.count)],
                   [.buffer(try buffer(parameter)), .buffer(try buffer(gradient)), .buffer(try buffer(velocity)), .int(parameter.count),
                    .float(configuration.learningRate), .float(configuration.momentum), .float(configuration.weightDecay)])
    }

    /// Adam, updating `parameter` and both moments in place (kernel `adam_step`).
    public func _adamStep(_ parameter: Tensor, _ gradient: Tensor, _ firstMoment: Tensor, _ secondMoment: Tensor,
                         _ configuration: AdamConfiguration, biasCorrection1: Float, biasCorrection2: Float) throws {
        try launch(.optimizer, "adam_step", global: [chunks(parameter.count)],
                   [parameter, gradient, firstMoment, secondMoment].map { .buffer(try buffer($0)) }
                   + [.int(parameter.count), .float(configuration.learningRate), .float(configuration.beta1), .float(configuration.beta2),
                      .float(configuration.epsilon), .float(configuration.weightDecay), .float(biasCorrection1), .float(biasCorrection2)])
    }

    /// One moving-average step, updating `average` in place (kernel `moving_average_step`).
    public func _movingAverageStep(_ average: Tensor, _ source: Tensor, weight: Float) throws {
        try launch(.optimizer, "moving_average_step", global: [chunks(average.count)],
                   [.buffer(try buffer(average)), .buffer(try buffer(source)), .int(average.count), .float(weight)])
    }
}
