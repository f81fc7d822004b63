import ArgumentParser
import DeepBayesBackends
import DeepBayesFiles
import DeepBayesTraining
import Foundation

/// `deepbayes reproduce blundell2015`: Blundell et al.'s MNIST tables, trained cell by cell
/// (`ReproductionGrid`) and printed beside the paper's figures.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Train the cells of a paper's tables and print them beside the paper's figures (a finished cell is not trained again).")

    /// The papers whose tables the command reproduces.
    enum Paper: String, CaseIterable, ExpressibleByArgument {
        case blundell2015
    }

    @Argument(help: "The paper: blundell2015 (Weight Uncertainty in Neural Networks, MNIST).")
    var paper: Paper

    @OptionGroup var deviceOption: DeviceOption

    @Option(help: "Table 1 (test error by method and width) or 2 (signal-to-noise pruning of the scale-mixture network).")
    var table = 1

    @Option(help: ArgumentHelp("Table 1's rows, comma-separated: \(Blundell2015.Method.allCases.map(\.rawValue).joined(separator: ",")).", valueName: "methods"))
    var methods = Blundell2015.Method.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: ArgumentHelp("Units per hidden layer, comma-separated (the paper's columns: 400,800,1200; table 2 prunes the first).", valueName: "widths"))
    var units = "400"

    @Option(help: "Epochs of every cell; the one with the lowest validation error is evaluated on the test set.")
    var epochs = 100

    @Option(help: "Training images held out for validation.")
    var validation = Blundell2015.validationImages

    @Option(help: "Sampled passes per test prediction.")
    var samples = 100

    @Option(help: "Seed of every cell.")
    var seed: UInt64 = 1

    @Option(help: "The grid's folder: table1/<method>-<units>/ holds each cell's run.")
    var out = "runs/blundell2015"

    @Option(help: "A directory laid out like the repository's Data/; default: the shipped data.")
    var data: String?

    @Option(help: "Train on the first N training images only (validation images included).")
    var trainLimit: Int?

    @Option(help: "Test on the first N test images only.")
    var testLimit: Int?

    /// The methods and widths asked for, or a usage error naming the one that is not.
    func grid() throws -> (methods: [Blundell2015.Method], units: [Int]) {
        let methodList = try methods.split(separator: ",").map { name -> Blundell2015.Method in
            guard let method = Blundell2015.Method(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--methods: '\(name)' is not one of \(Blundell2015.Method.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return method
        }
        let widths = try units.split(separator: ",").map { text -> Int in
            guard let width = Int(text.trimmingCharacters(in: .whitespaces)), width >= 1 else {
                throw ValidationError("--units: '\(text)' is not a width of at least 1")
            }
            return width
        }
        try Validation.require(!methodList.isEmpty && !widths.isEmpty, "--methods and --units must name at least one each")
        return (methodList, widths)
    }

    func validate() throws {
        _ = try grid()
        try Validation.require(table == 1 || table == 2, "--table \(table) must be 1 or 2")
        for (option, value) in [("--epochs", epochs), ("--validation", validation)] {
            try Validation.require(value >= 1, "\(option) \(value) must be at least 1")
        }
        for (option, value) in [("--train-limit", trainLimit), ("--test-limit", testLimit)] {
            if let value { try Validation.require(value >= 1, "\(option) \(value) must be at least 1") }
        }
        try Validation.requireSamples(samples)
        try Validation.require(out != "", "--out is empty: give the folder the grid writes into")
    }

    func run() throws {
        let backend = try deviceOption.makeBackend()
        try reportingErrors {
            try Validation.checkOutputFolder(out)
            let (methodList, widths) = try grid()
            let cells = table == 1 ? methodList.flatMap { method in widths.map { Blundell2015.Cell(method: method, units: $0) } }
                : [Blundell2015.Cell(method: .mixture, units: widths[0])]
            for cell in cells {
                let spec = cell.spec(seed: seed)
                try spec.trainingMemory(batchSize: Blundell2015.batchSize).check("training the cell \(cell.name) (\(spec.sizeSummary))",
                                                                                  capabilities: backend.capabilities, backend: backend.name)
                try spec.inferenceMemory(batchSize: Evaluation.chunkSize).check("evaluating the cell \(cell.name) (\(spec.sizeSummary))",
                                                                                capabilities: backend.capabilities, backend: backend.name)
            }
            let source = DataSource(root: data.map { URL(fileURLWithPath: $0) })
            try Validation.checkImageSizes(source, [("mnist", .train), ("mnist", .test), ("fashion-mnist", .test)])
            let output = URL(fileURLWithPath: out)
            let interrupts = InterruptHandler()
            defer { interrupts.uninstall() }
            let grid = ReproductionGrid(output: output, epochs: epochs, seed: seed, validation: validation, trainLimit: trainLimit,
                                        testLimit: testLimit, samples: samples, data: source, backend: backend, interruption: interrupts.request)
            let text: String
            do {
                text = try table == 1 ? runTable1(grid, cells: cells, methods: methodList, units: widths) : runTable2(grid, units: widths[0])
            } catch let stop as TrainingInterrupted {
                FileHandle.standardError.write(Data("\(stop.run): interrupted at \(stop.position); run the same command again to continue\n".utf8))
                throw ExitCode(130)
            }
            print(text, terminator: "")
        }
    }

    private func runTable1(_ grid: ReproductionGrid, cells: [Blundell2015.Cell], methods: [Blundell2015.Method], units: [Int]) throws -> String {
        var results: [Blundell2015.Cell: CellResult] = [:]
        for cell in cells {
            let (result, trained) = try grid.run(cell)
            let status = trained ? "trained" : "already trained"
            FileHandle.standardError.write(Data(("\(cell.name): \(status), test error \(PaperTables.percent(result.testError))%"
                + " at epoch \(result.bestEpoch) of \(result.epochs)\n").utf8))
            results[cell] = result
        }
        let text = PaperTables.table1(results, methods: methods, units: units)
        try AtomicFile.write(Data(text.utf8), to: grid.output.appendingPathComponent("table1.md"))
        return text
    }

    private func runTable2(_ grid: ReproductionGrid, units: Int) throws -> String {
        let text = PaperTables.table2(try grid.pruningTable(units: units), units: units)
        try AtomicFile.write(Data(text.utf8), to: grid.output.appendingPathComponent("table2.md"))
        return text
    }
}
