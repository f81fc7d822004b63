import DeepBayesCore

extension Tape {
    /// Softmax over the last axis.
    public func softmax(_ x: Variable) throws -> Variable {
        let backend = self.backend
        let y = try backend.softmax(of: x.value)
        return record(y, inputs: [x]) { g in [try backend.softmaxBackward(output: y, gradOutput: g)] }
    }

    /// Log-softmax over the last axis.
    public func logSoftmax(_ x: Variable) throws -> Variable {
        let backend = self.backend
        let y = try backend.logSoftmax(of: x.value)
        return record(y, inputs: [x]) { g in [try backend.logSoftmaxBackward(output: y, gradOutput: g)] }
    }
}
