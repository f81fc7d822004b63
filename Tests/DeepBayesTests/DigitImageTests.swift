import DeepBayesCore
@testable import DeepBayesData
import Testing

/// Preparing pictures as MNIST digits: luma, inversion, contrast, resampling and framing.
@Suite struct DigitImageTests {
    /// A `width × height` grey image, `background` everywhere except `ink` on the rectangle.
    static func picture(width: Int, height: Int, background: UInt8, ink: UInt8,
                        rectangle: (x: Range<Int>, y: Range<Int>)) -> [UInt8] {
        (0..<height).flatMap { y in
            (0..<width).map { x in rectangle.x.contains(x) && rectangle.y.contains(y) ? ink : background }
        }
    }

    static func centreOfMass(_ values: [Float]) -> (x: Float, y: Float) {
        let mass = values.reduce(0, +)
        let x = values.indices.reduce(Float(0)) { $0 + values[$1] * Float($1 % 28) } / mass
        let y = values.indices.reduce(Float(0)) { $0 + values[$1] * Float($1 / 28) } / mass
        return (x, y)
    }

    @Test func anMNISTLikeImageIsKeptAsItIsWhenFitted() throws {
        // Arbitrary bytes inside, a black border as MNIST's digits have.
        let bytes: [UInt8] = (0..<784).map { (index: Int) -> UInt8 in
            let x = index % 28, y = index / 28
            return x == 0 || x == 27 || y == 0 || y == 27 ? 0 : UInt8((index * 37 + y * 11) % 256)
        }
        let values = try DigitImage.prepare(width: 28, height: 28, channels: 1, pixels: bytes, framing: .fit)
        let maximum = Float(bytes.max()!)
        #expect(zip(values, bytes).allSatisfy { abs($0 - Float($1) / maximum) < 1e-6 })
    }

    @Test func areaAveragingHalvesByMeansOfTwoByTwoBlocks() {
        let values: [Float] = (0..<16).map(Float.init)
        let halved = DigitImage.resample(values, width: 4, region: (0, 0, 4, 4), toWidth: 2, height: 2)
        let expected: [Float] = [10 / 4, 18 / 4, 42 / 4, 50 / 4]  // (0+1+4+5)/4, (2+3+6+7)/4, (8+9+12+13)/4, (10+11+14+15)/4
        #expect(halved == expected)
        // Three source pixels into two: the middle one split half and half.
        let thirds = DigitImage.resample([0, 3, 6], width: 3, region: (0, 0, 3, 1), toWidth: 2, height: 1)
        #expect(abs(thirds[0] - 1) < 1e-6 && abs(thirds[1] - 5) < 1e-6)  // (0 + 3/2) / 1.5 and (3/2 + 6) / 1.5
    }

    @Test func aDarkDigitOnLightPaperIsInvertedAutomatically() throws {
        let paper = Self.picture(width: 56, height: 56, background: 230, ink: 20, rectangle: (20..<36, 10..<46))
        let auto = try DigitImage.prepare(width: 56, height: 56, channels: 1, pixels: paper, framing: .fit)
        #expect(auto[0] == 0)  // paper became black
        #expect(auto[14 * 28 + 14] == 1)  // ink became white
        let forcedNo = try DigitImage.prepare(width: 56, height: 56, channels: 1, pixels: paper, inversion: .no, framing: .fit)
        #expect(forcedNo == [Float](repeating: 0, count: 784))  // ink darker than the paper: nothing brighter
        let mnistLike = Self.picture(width: 56, height: 56, background: 0, ink: 255, rectangle: (20..<36, 10..<46))
        #expect(try DigitImage.prepare(width: 56, height: 56, channels: 1, pixels: mnistLike, framing: .fit) == auto)
        let forcedYes = try DigitImage.prepare(width: 56, height: 56, channels: 1, pixels: mnistLike, inversion: .yes, framing: .fit)
        #expect(forcedYes == forcedNo)
    }

    @Test func fittingKeepsTheAspectRatio() throws {
        // A 100 × 50 white image with a black frame: 28 × 14 in the middle rows, black around.
        let wide = Self.picture(width: 100, height: 50, background: 0, ink: 255, rectangle: (2..<98, 2..<48))
        let values = try DigitImage.prepare(width: 100, height: 50, channels: 1, pixels: wide, framing: .fit)
        let litRows = (0..<28).filter { y in (0..<28).contains { values[y * 28 + $0] > 0 } }
        #expect(litRows == Array(7..<21))
        #expect(abs(values[14 * 28 + 14] - 1) < 1e-5)
    }

    @Test func mnistFramingScalesTheInkToTwentyPixelsAndCentresItsMass() throws {
        // A 10 × 40 bar near a corner of a 200 × 120 page.
        let page = Self.picture(width: 200, height: 120, background: 255, ink: 0, rectangle: (5..<15, 70..<110))
        let values = try DigitImage.prepare(width: 200, height: 120, channels: 1, pixels: page)
        let lit = values.indices.filter { values[$0] > DigitImage.inkThreshold }
        let rows = Set(lit.map { $0 / 28 }), columns = Set(lit.map { $0 % 28 })
        #expect(rows.count == DigitImage.digitBox)
        #expect(columns.count == 5)
        let centre = Self.centreOfMass(values)
        #expect(abs(centre.x - 13.5) <= 0.5 && abs(centre.y - 13.5) <= 0.5)
    }

    @Test func colourUsesLumaAndABlankPictureIsBlack() throws {
        #expect(DigitImage.luma([255, 0, 0, 0, 255, 0, 0, 0, 255], channels: 3).map { ($0 * 1000).rounded() } == [299, 587, 114])
        let blank = [UInt8](repeating: 128, count: 30 * 20 * 3)
        #expect(try DigitImage.prepare(width: 30, height: 20, channels: 3, pixels: blank) == [Float](repeating: 0, count: 784))
    }

    @Test func refusesMismatchedSizes() {
        #expect(throws: DeepBayesError.self) { try DigitImage.prepare(width: 2, height: 2, channels: 1, pixels: [1, 2, 3]) }
        #expect(throws: DeepBayesError.self) { try DigitImage.prepare(width: 1, height: 1, channels: 2, pixels: [1, 2]) }
        #expect(throws: DeepBayesError.self) { try DigitImage.prepare(width: 0, height: 1, channels: 1, pixels: []) }
    }
}
