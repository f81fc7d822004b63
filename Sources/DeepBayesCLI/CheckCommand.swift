import ArgumentParser
import DeepBayesBackends

/// `deepbayes check --device D`: opens a device and runs a few kernels with known answers,
/// so a user can tell in a second whether a device works.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Open a device and verify a matrix product and the Philox random stream on it.")

    @OptionGroup var deviceOption: DeviceOption

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors { try check(backend) }
    }

    /// The two known answers; a failing kernel (one that does not build, say) is a typed error.
    private func check(_ backend: any Backend) throws {
        print("device: \(backend.name) — \(backend.deviceDescription)")
        let a = try backend.tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let product = try backend.matmul(a, a, transposeB: true).toArray()
        let productOK = product == [14, 32, 32, 77]
        print("matmul [2,3]·[2,3]ᵀ = \(product): \(productOK ? "ok" : "WRONG, expected [14, 32, 32, 77]")")
        let uniforms = try backend.randomUniform([4], RandomStream(seed: 0, stream: 0)).toArray()
        let expected = [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8].map { Philox.uniform(UInt32($0)) }
        let randomOK = uniforms == expected
        print("philox4x32-10 (seed 0, stream 0) = \(uniforms): \(randomOK ? "ok" : "WRONG, expected \(expected)")")
        guard productOK && randomOK else { throw ExitCode.failure }
    }
}
