import DeepBayesFiles
import Foundation
import Testing

/// `train --resume` and Ctrl-C, end to end: a run of 2 epochs resumed to 4 ends with exactly
/// the weights, optimizer state and metrics (but the timings) of a run of 4, on every shipped
/// device; SIGINT during training saves a loadable checkpoint and the pictures, exits with
/// status 130 and says how to resume, and the resumed run finishes.
@Suite(.timeLimit(.minutes(5))) struct ResumeCommandTests {
    static func run(_ model: String, device: String, epochs: Int, out: URL, resume: Bool = false) -> [String] {
        resume ? ["train", model, "--device", device, "--resume", "--epochs", String(epochs), "--out", out.path]
            : ["train", model, "--device", device, "--epochs", String(epochs), "--batch-size", "32", "--train-limit", "128",
               "--test-limit", "50", "--samples", "2", "--hidden", "16", "--out", out.path]
    }

    /// The metrics lines without their `seconds` field.
    static func metricsWithoutTimes(_ folder: URL) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            .map { String($0).replacingOccurrences(of: "\"seconds\": [0-9.e-]+, ", with: "", options: .regularExpression) }
    }

    @Test(arguments: TestBackends.names)
    func twoEpochsResumedToFourEqualFour(device: String) throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole"), parts = directory.appendingPathComponent("parts")
        for arguments in [Self.run("bnn", device: device, epochs: 4, out: whole), Self.run("bnn", device: device, epochs: 2, out: parts),
                          Self.run("bnn", device: device, epochs: 4, out: parts, resume: true)] {
            let result = try CommandLineTests.run(arguments)
            try #require(result.status == 0, "\(arguments): \(result.error)")
        }
        for name in ["model.safetensors", "optimizer.safetensors"] {
            let a = try SafetensorsFile.read(from: whole.appendingPathComponent(name)), b = try SafetensorsFile.read(from: parts.appendingPathComponent(name))
            #expect(a == b, "\(name) differs after resuming on \(device)")
        }
        #expect(try Self.metricsWithoutTimes(whole) == Self.metricsWithoutTimes(parts))
        #expect(try Self.metricsWithoutTimes(parts).count == 4)
    }

    /// `--log-every 3` writes every third step's line (4 steps an epoch: steps 3, 6, 9, 12 of
    /// 3 epochs); a run resumed after epoch 2 keeps steps 3 and 6 and appends 9 and 12.
    @Test func theStepLogHasEveryNthStepAndSurvivesAResume() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole"), parts = directory.appendingPathComponent("parts")
        for arguments in [Self.run("bnn", device: "cpu", epochs: 3, out: whole) + ["--log-every", "3"],
                          Self.run("bnn", device: "cpu", epochs: 2, out: parts) + ["--log-every", "3"],
                          Self.run("bnn", device: "cpu", epochs: 3, out: parts, resume: true) + ["--log-every", "3"]] {
            let result = try CommandLineTests.run(arguments)
            try #require(result.status == 0, "\(arguments): \(result.error)")
        }
        let lines = try String(contentsOf: whole.appendingPathComponent("steps.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.map { $0.prefix(12) } == ["{\"step\": 3, ", "{\"step\": 6, ", "{\"step\": 9, ", "{\"step\": 12,"], "\(lines)")
        let record = try TrainingCommandTests.jsonObject(String(lines[0]))
        for key in ["epoch", "batch", "learning_rate", "train_loss", "train_kl", "train_nll"] { #expect(record[key] is NSNumber, "\(key)") }
        #expect(try String(contentsOf: parts.appendingPathComponent("steps.jsonl"), encoding: .utf8) ==
                String(contentsOf: whole.appendingPathComponent("steps.jsonl"), encoding: .utf8))
    }

    /// Resuming a run that is not there, or a checkpoint of another model, is one line.
    @Test func resumingWhatIsNotThereIsOneLine() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("none")
        let result = try CommandLineTests.run(["train", "bnn", "--resume", "--out", missing.path])
        #expect(result.status == 1)
        #expect(result.error == "error: \(missing.path)/model.safetensors: no such file\n")
        let vae = directory.appendingPathComponent("vae")
        try #require(try CommandLineTests.run(Self.run("vae", device: "cpu", epochs: 1, out: vae)).status == 0)
        let other = try CommandLineTests.run(["train", "bnn", "--resume", "--out", vae.path])
        #expect(other.error == "error: \(vae.path)/model.safetensors: the run trained a vae, not a bnn\n")
    }

    /// SIGINT once the first epoch is on disk: the run finishes its step, saves, writes the
    /// pictures, names the position and the command that continues it, and exits with 130.
    @Test func ctrlCSavesEverythingAndExits130() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("vae")
        let process = Process()
        process.executableURL = CommandLineTests.executable
        process.arguments = ["train", "vae", "--epochs", "100000", "--batch-size", "16", "--train-limit", "256", "--test-limit", "20",
                             "--hidden", "16", "--out", out.path]
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let metrics = out.appendingPathComponent("metrics.jsonl")
        let deadline = Date().addingTimeInterval(60)
        while !((try? Data(contentsOf: metrics))?.isEmpty == false), Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGINT)
        let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(text)")
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("\(out.path): interrupted at epoch ") && last.hasSuffix("; model.safetensors, optimizer.safetensors and the pictures"
                + " are saved; continue with: deepbayes train vae --resume --out \(out.path) --epochs 100000"), "\(text)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("samples.png").path))
        let evaluated = try CommandLineTests.run(["evaluate", "--checkpoint", out.appendingPathComponent("model.safetensors").path, "--test-limit", "20"])
        #expect(evaluated.status == 0, "\(evaluated.error)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let epochs = try Self.metricsWithoutTimes(out).count + 2
        let resumed = try CommandLineTests.run(["train", "vae", "--resume", "--epochs", String(epochs), "--out", out.path])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(try Self.metricsWithoutTimes(out).count == epochs)
    }
}
