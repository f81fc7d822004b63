import DeepBayesFiles
import DeepBayesTraining
import Foundation
import Testing

/// `report.html` of a real, tiny training run (a few hundred MNIST images, two epochs) as a
/// browser draws it: headless Chromium takes a screenshot of it, reports nothing about the page
/// on its console (the page's content security policy makes every load from elsewhere such a
/// report), and the screenshot is a picture, not a blank page.
///
/// Without Chromium the test is skipped with a loud warning; with `CI=true` that is a failure,
/// because CI installs it (`Scripts/setup`).
@Suite struct TrainingReportRenderingTests {
    /// The longest a screenshot may take before Chromium is stopped and the test fails.
    static let timeoutSeconds = 120.0

    /// `chromium` on the `PATH`, or nil.
    static var chromium: URL? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("chromium") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// The run's output folder after training `kind` for two epochs on the shipped data.
    static func train(_ kind: ModelKind, into output: URL) throws {
        var spec = ModelSpec.defaults(for: kind)
        spec.hidden = kind == .vae ? [32] : [32, 32]
        if kind == .vae { spec.latent = 2 }
        var options = try TrainingOptions(epochs: 2, batchSize: 64, learningRate: 1e-3, trainLimit: 512, testLimit: 300, evaluationSamples: 4,
                                          output: output, data: DataSource(root: nil))
        options.logEvery = 2
        try Trainer(spec: spec, options: options, backend: TestBackends.cpu, progress: ProgressReporter(interactive: false)).run()
    }

    /// Runs `executable` with `arguments`, its standard error going to `errors`; false when it
    /// did not end within `timeoutSeconds` (it is then stopped).
    static func run(_ executable: URL, _ arguments: [String], errors: URL) throws -> (finished: Bool, status: Int32) {
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process(), ended = DispatchSemaphore(value: 0)
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        process.terminationHandler = { _ in ended.signal() }
        try process.run()
        guard ended.wait(timeout: .now() + timeoutSeconds) == .success else {
            process.terminate()
            process.waitUntilExit()
            return (false, process.terminationStatus)
        }
        return (true, process.terminationStatus)
    }

    @Test(arguments: [ModelKind.bnn, .vae])
    func aTinyRunsReportRendersInHeadlessChromium(kind: ModelKind) throws {
        guard let chromium = Self.chromium else {
            if TestBackends.isCI {
                Issue.record("CI=true but chromium is not on the PATH (Scripts/setup installs it): the report's rendering was not tested")
            } else {
                let banner = String(repeating: "!", count: 78)
                FileHandle.standardError.write(Data("\n\(banner)\nWARNING: chromium is not installed: report.html is NOT RENDERED (install it: Scripts/setup)\n\(banner)\n\n".utf8))
            }
            return
        }
        try TrainingReportTests.withTemporaryDirectory { folder in
            let output = folder.appendingPathComponent("run")
            try Self.train(kind, into: output)
            let report = output.appendingPathComponent("report.html"), screenshot = folder.appendingPathComponent("report.png")
            let errors = folder.appendingPathComponent("chromium.log")
            let (finished, status) = try Self.run(chromium, [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
                "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--enable-logging=stderr", "--v=0",
                "--virtual-time-budget=5000", "--window-size=1200,2000", "--screenshot=\(screenshot.path)", report.absoluteString,
            ], errors: errors)
            let log = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            try #require(finished, "chromium took more than \(Self.timeoutSeconds) s: \(log.suffix(2000))")
            #expect(status == 0, "chromium exited with \(status): \(log.suffix(2000))")
            // What the page made the browser say (a blocked load, a parse error); the page has no scripts to log anything itself.
            let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") }
            #expect(console.isEmpty, "chromium reported about the page: \(console.joined(separator: "\n"))")

            let image = try PNGImage.decode(Data(contentsOf: screenshot), path: screenshot.path)
            #expect(image.width == 1200 && image.height == 2000)
            let channels = image.colorType.channels
            let colours = Set(stride(from: 0, to: image.pixels.count, by: channels).map { Array(image.pixels[$0..<$0 + channels]) })
            // Charts in several colours, their antialiased edges and text: hundreds of colours; a blank page has one.
            #expect(colours.count >= 64, "only \(colours.count) distinct colours: the page looks blank")
            let background = Array(image.pixels[0..<channels])
            let drawn = stride(from: 0, to: image.pixels.count, by: channels).filter { !image.pixels[$0..<$0 + channels].elementsEqual(background) }.count
            #expect(Double(drawn) / Double(image.width * image.height) > 0.05, "only \(drawn) pixels differ from the corner's colour")
        }
    }
}
