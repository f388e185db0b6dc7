/// The value vocabularies of FunctionWorld. Values are short and appear verbatim in questions, so a
/// small model can learn to copy them; each list is moderate in size so every value recurs often
/// enough in training. About one value in five belongs to the held-out split only, so held-out
/// tasks ask about values the training split never shows. The split is decided by the value
/// itself (a mixed FNV-1a hash of its text), not by its place in a list, so a number that sits in two pools
/// (5 nights, 5 guests) falls on the same side in both.
public enum ValuePool: String, Sendable, CaseIterable {
    case city, airport, person, dish, ingredient, product, color, ticker, currency, artist
    case playlist, room, device, team, date, time, chore, subject, coupon, parcel, topic
    case count, nights, days, minutes, year, calories, percent, volume, floor, steps, coefficient, digits
    case price, weight, height, amount, rate, distance, temperature, rating, grams, factor
    /// The generated catalog's (`WorldEntityCatalog`): record identifiers, languages, countries,
    /// companies and titles.
    case code, language, country, company, title

    /// Every value of the pool, both splits, in a fixed order.
    public var allValues: [Value] {
        switch self {
        case .city: Self.strings("Paris Rome Lima Oslo Cairo Tokyo Madrid Berlin Dublin Vienna Prague Lisbon Athens Boston Denver Austin Seattle Chicago Miami Toronto Sydney Delhi Mumbai Seoul Bangkok Nairobi Accra Quito Bogota Havana Zurich Geneva Munich Milan Naples Porto Krakow Warsaw Helsinki Riga")
        case .airport: Self.strings("JFK LHR CDG FRA AMS MAD FCO DXB SIN HND SFO LAX ORD ATL SEA BOS YYZ SYD ICN BKK IST ZRH VIE CPH OSL")
        case .person: Self.strings("Anna Ben Carla David Elena Farid Grace Hugo Iris Jonas Kira Liam Maya Noah Olga Pablo Quinn Rosa Sam Tara Uma Victor Wendy Xavier Yara Zoe Omar Lena Ravi Mei")
        case .dish: Self.strings("pizza sushi ramen tacos curry paella falafel lasagna pho burrito risotto dumplings kebab gnocchi bibimbap ceviche goulash moussaka couscous pancakes")
        case .ingredient: Self.strings("eggs flour milk rice tomato basil garlic onion butter cheese lemon honey spinach carrot apple banana yogurt oats beans pepper")
        case .product: Self.strings("laptop headphones backpack kettle monitor keyboard blender lamp jacket sneakers umbrella camera tripod charger mouse toaster desk chair mug speaker")
        case .color: Self.strings("red blue green black white yellow purple orange grey pink teal navy beige brown silver gold ivory olive coral maroon cyan lime")
        case .ticker: Self.strings("AAPL MSFT GOOG AMZN TSLA NVDA META IBM ORCL INTC AMD NFLX UBER SHOP SONY")
        case .currency: Self.strings("USD EUR GBP JPY CHF CAD AUD INR CNY SEK NOK MXN BRL KRW ZAR")
        case .artist: Self.strings("Adele Drake Shakira Coldplay Beyonce Eminem Rihanna Queen Abba Muse Oasis Blur Sia Lorde Bjork Prince Madonna Nirvana Metallica Radiohead")
        case .playlist: Self.strings(["road trip", "gym mix", "sunday chill", "focus", "party", "sleep", "morning run", "dinner jazz", "study", "summer hits", "rainy day", "workout", "late night", "throwbacks", "coffee shop"])
        case .room: Self.strings("kitchen bedroom garage office hallway bathroom attic basement patio nursery den pantry library gym porch")
        case .device: Self.strings("heater fan sprinkler dishwasher oven printer washer dryer humidifier purifier kettle router dehumidifier boiler pump")
        case .team: Self.strings("Lakers Celtics Arsenal Chelsea Juventus Ajax Bulls Yankees Dodgers Barcelona Liverpool Benfica Knicks Raptors Inter")
        case .date: Self.strings("2025-01-08 2025-01-21 2025-02-03 2025-02-17 2025-03-05 2025-03-19 2025-04-02 2025-04-16 2025-05-07 2025-05-22 2025-06-04 2025-06-18 2025-07-09 2025-07-23 2025-08-06 2025-08-20 2025-09-10 2025-09-24 2025-10-08 2025-10-22 2025-11-05 2025-11-19 2025-12-03 2025-12-17 2026-01-14")
        case .time: Self.strings("07:00 07:30 08:15 09:00 09:45 10:30 11:00 12:15 13:00 13:30 14:45 15:00 16:20 17:30 18:00 18:45 19:30 20:00 21:15 22:00")
        case .chore: Self.strings(["pay rent", "call mom", "buy milk", "walk the dog", "water plants", "renew passport", "book dentist", "clean garage", "file taxes", "return books", "fix the sink", "order pizza", "wash the car", "pick up kids", "back up photos"])
        case .subject: Self.strings(["budget review", "team lunch", "project update", "holiday plans", "invoice 42", "weekly report", "new hire", "server outage", "design draft", "quarterly goals"])
        case .coupon: Self.strings("SAVE10 SPRING5 WELCOME20 FLASH15 VIP30 SUMMER25 FRIEND10 BONUS5 MEGA40 CYBER50")
        case .parcel: Self.strings("TRK4821 TRK1093 PKG7730 PKG2218 ZX99104 ZX10457 LP55012 LP80431 QD33890 QD12764 TRK5530 PKG6604 ZX70021 LP31178 QD90215")
        case .topic: Self.strings("climate elections football science movies economy health travel music space family work garden school fitness weather finance art food pets")
        case .count: Self.integers(Array(2...20))
        case .nights: Self.integers(Array(2...16))
        case .days: Self.integers(Array(2...16))
        case .minutes: Self.integers(Array(stride(from: 10, through: 125, by: 5)))
        case .year: Self.integers(Array(1995...2024))
        case .calories: Self.integers(Array(stride(from: 150, through: 1100, by: 50)))
        case .percent: Self.integers(Array(stride(from: 5, through: 40, by: 1)))
        case .volume: Self.integers(Array(stride(from: 10, through: 95, by: 5)))
        case .floor: Self.integers(Array(1...15))
        case .steps: Self.integers(Array(stride(from: 4000, through: 15000, by: 500)))
        case .coefficient: Self.integers(Array(-9...9).filter { $0 != 0 })
        case .digits: Self.integers(Array(0...6))
        case .price: Self.floats([4.99, 12.5, 19.99, 7.25, 49.9, 15.75, 29.5, 9.99, 120.5, 64.25, 35.5, 89.99, 250.75, 18.4, 74.5, 5.49, 27.8, 42.25, 99.5, 13.3])
        case .weight: Self.floats([55.5, 61.2, 68.4, 72.5, 80.3, 58.7, 90.1, 77.6, 65.9, 84.2, 70.8, 95.4, 62.3, 88.6, 59.1])
        case .height: Self.floats([1.55, 1.62, 1.68, 1.74, 1.81, 1.59, 1.77, 1.85, 1.66, 1.92, 1.71, 1.64, 1.88, 1.79, 1.58])
        case .amount: Self.floats([25.5, 120.75, 980.5, 47.25, 310.4, 15.5, 2500.5, 66.6, 733.3, 1450.25, 88.8, 512.5, 39.95, 1999.9, 404.4])
        case .rate: Self.floats([3.5, 4.25, 5.75, 2.9, 6.1, 3.85, 4.6, 7.2, 2.45, 5.3, 6.75, 3.15, 4.95, 1.8, 8.4])
        case .distance: Self.floats([3.5, 5.25, 10.5, 7.8, 21.1, 2.4, 12.6, 4.75, 15.3, 8.9, 6.3, 42.2, 1.6, 9.7, 18.5])
        case .temperature: Self.floats([18.5, 19.5, 20.5, 21.5, 22.5, 23.5, 17.5, 24.5, 16.5, 25.5, 19.8, 21.2, 22.8, 20.2, 23.1])
        case .rating: Self.floats([6.5, 7.5, 8.2, 7.1, 6.8, 8.5, 7.8, 6.2, 8.8, 7.3, 6.9, 8.1, 7.6, 5.9, 8.4])
        case .grams: Self.floats([50.5, 120.5, 200.5, 75.5, 150.5, 30.5, 250.5, 90.5, 180.5, 60.5, 110.5, 40.5, 300.5, 135.5, 85.5])
        case .code: Self.strings("A1042 B2291 C3307 D4410 E5523 F6631 G7748 H8850 J9962 K1075 L2183 M3296 N4301 P5419 Q6527 R7634 S8742 T9853 U1068 V2176 W3284 X4392 Y5405 Z6513 AB718 CD829 EF930 GH141 JK252 LM363")
        case .language: Self.strings("English Spanish French German Italian Portuguese Dutch Swedish Polish Greek Turkish Arabic Hindi Japanese Korean Mandarin Swahili Finnish Czech Hebrew")
        case .country: Self.strings(["Spain", "Italy", "Peru", "Norway", "Egypt", "Japan", "Canada", "Brazil", "Kenya", "Ghana", "Chile", "Mexico", "India", "Vietnam", "Poland", "Ireland", "Austria", "Portugal", "Greece", "Morocco", "New Zealand", "South Korea", "Argentina", "Finland", "Denmark"])
        case .company: Self.strings(["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Soylent", "Cyberdyne", "Tyrell", "Wonka", "Gringotts", "Oscorp", "Aperture", "Pied Piper", "Dunder", "Monarch", "Nakatomi", "Virtucon"])
        case .title: Self.strings(["Blue Horizon", "Quiet Harbor", "Silver Lining", "Northern Lights", "Open Road", "Paper Moon", "Red Canyon", "Small Wonders", "Golden Hour", "Wild Orchard", "Iron Bridge", "Late Summer", "Hidden Valley", "First Light", "Stone Garden", "Far Shore", "Green Line", "Salt and Pepper", "Night Train", "Bright Side"])
        case .factor: Self.floats([1.5, 2.5, 0.75, 3.25, 4.5, 0.25, 6.5, 2.75, 8.5, 1.25, 5.5, 9.25, 3.75, 0.5, 7.5])
        }
    }

    /// The values of one split.
    public func values(_ split: WorldSplit) -> [Value] {
        allValues.filter { Self.split(of: $0) == split }
    }

    /// The split a pool value belongs to: FNV-1a of its text, held out when the hash is 4 mod 5.
    public static func split(of value: Value) -> WorldSplit {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in leafText(value).utf8 {
            h = (h ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        // FNV's low bits barely change between "12" and "13": mix them (SplitMix64's finaliser).
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return h % 5 == 4 ? .heldout : .train
    }

    /// The text a scalar value shows in a question ("Paris", "5", "3.5").
    public static func leafText(_ value: Value) -> String {
        switch value {
        case .string(let s): s
        case .integer(let i): String(i)
        case .float(let d): "\(d)"
        case .bool(let b): b ? "True" : "False"
        default: "\(value)"
        }
    }

    private static func strings(_ spaceSeparated: String) -> [Value] {
        spaceSeparated.split(separator: " ").map { .string(String($0)) }
    }

    private static func strings(_ list: [String]) -> [Value] {
        list.map { .string($0) }
    }

    private static func integers(_ list: [Int]) -> [Value] {
        list.map { .integer($0) }
    }

    private static func floats(_ list: [Double]) -> [Value] {
        list.map { .float($0) }
    }
}
