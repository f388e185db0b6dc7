/// The synthetic functions of FunctionWorld, grouped by domain (one extension file per few
/// domains), and the small-talk questions no function answers.
///
/// Schemas are compact on purpose: short names, one-line descriptions, two to five parameters.
/// Every template of a function names every required parameter; optional ones sit in optional
/// segments, so a task either states them or leaves them at their documented defaults.
public enum FunctionWorldCatalog {
    /// Every function, in a fixed order (the order is part of what a seed reproduces).
    public static let functions: [WorldFunction] =
        weather + travel + finance + food + health + math + media + shopping + home + calendar + sports

    /// The domains, in catalog order.
    public static var domains: [String] {
        var seen: [String] = []
        for f in functions where !seen.contains(f.domain) { seen.append(f.domain) }
        return seen
    }

    /// Questions that no function in the world can answer, for irrelevance tasks.
    public static func smallTalk(_ split: WorldSplit) -> [(text: String, topic: String)] {
        switch split {
        case .train:
            [("Tell me a joke.", "a joke"), ("Who wrote Hamlet?", "a literature fact"),
             ("What is the capital of Peru?", "a geography fact"), ("How are you today?", "small talk"),
             ("Explain photosynthesis briefly.", "a biology explanation"),
             ("Write a haiku about rain.", "a poem"), ("Why is the sky blue?", "a physics question"),
             ("Recommend a good book.", "a book recommendation"),
             ("How tall is Mount Everest?", "a geography fact"), ("What does DNA stand for?", "a biology fact")]
        case .heldout:
            [("Sing me a lullaby.", "a song"), ("Who painted the Mona Lisa?", "an art fact"),
             ("What is the speed of light?", "a physics fact"), ("Give me a riddle.", "a riddle")]
        }
    }

    static let weather: [WorldFunction] = [
        WorldFunction("get_weather", domain: "weather", "Current weather in a city.", intent: "check the current weather", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("unit", .enumeration(["celsius", "fahrenheit"]), "", default: .string("celsius")),
        ], train: [
            "What's the weather in {city}[ in {unit}]?",
            "Weather for {city}[, {unit} please].",
            "How warm is it in {city} right now[ in {unit}]?",
        ], heldout: [
            "Tell me the current conditions in {city}[ using {unit}].",
        ]),
        WorldFunction("get_forecast", domain: "weather", "Weather forecast for the coming days.", intent: "get a forecast", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("days", .integer, "", pool: .days, default: .integer(3)),
            WorldParameter("include_wind", .boolean, "Add wind speeds.", default: .bool(false)),
        ], train: [
            "Give me the forecast for {city}[ for {days} days][{include_wind?, including wind|, skip the wind}].",
            "Will it rain in {city}[ over the next {days} days]?",
            "{city} forecast[, {days} days][{include_wind?, with wind speeds|, no wind data}].",
        ], heldout: [
            "What does the weather look like in {city}[ for {days} days][{include_wind?, wind included|, without wind}]?",
        ]),
        WorldFunction("get_air_quality", domain: "weather", "Air pollution level in a city.", intent: "check air quality", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("pollutant", .enumeration(["pm25", "pm10", "ozone", "no2"]), "", default: .string("pm25")),
        ], train: [
            "Air quality in {city}[, {pollutant} levels]?",
            "How clean is the air in {city}[ for {pollutant}]?",
            "Check pollution in {city}[, measured as {pollutant}].",
        ], heldout: [
            "Is the air safe to breathe in {city}[ regarding {pollutant}]?",
        ]),
        WorldFunction("get_sun_times", domain: "weather", "Sunrise and sunset times.", intent: "find sunrise or sunset times", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("date", .string, "Date, YYYY-MM-DD.", pool: .date),
        ], train: [
            "When does the sun rise in {city} on {date}?",
            "Sunrise and sunset for {city}, {date}.",
            "Daylight hours in {city} on {date}?",
        ], heldout: [
            "On {date}, at what time is sunset in {city}?",
        ]),
    ]

    static let travel: [WorldFunction] = [
        WorldFunction("search_flights", domain: "travel", "Find flights between airports.", intent: "find a flight", [
            WorldParameter("origin", .string, "Departure airport code.", pool: .airport),
            WorldParameter("destination", .string, "Arrival airport code.", pool: .airport),
            WorldParameter("date", .string, "Date, YYYY-MM-DD.", pool: .date),
            WorldParameter("passengers", .integer, "", pool: .count, default: .integer(1)),
            WorldParameter("cabin", .enumeration(["economy", "premium", "business", "first"]), "", default: .string("economy")),
        ], train: [
            "Find flights from {origin} to {destination} on {date}[ for {passengers} people][ in {cabin}].",
            "Fly {origin} to {destination}, {date}[, {cabin} class][, {passengers} seats].",
            "Any flights {origin} to {destination} on {date}[ in {cabin}]?",
        ], heldout: [
            "I need to get from {origin} to {destination} on {date}[ with {passengers} travelers][, {cabin} please].",
        ]),
        WorldFunction("book_hotel", domain: "travel", "Reserve a hotel room.", intent: "book a hotel", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("nights", .integer, "", pool: .nights),
            WorldParameter("guests", .integer, "", pool: .count, default: .integer(2)),
            WorldParameter("breakfast", .boolean, "Include breakfast.", default: .bool(false)),
        ], train: [
            "Book a hotel in {city} for {nights} nights[ for {guests} guests][{breakfast?, with breakfast|, without breakfast}].",
            "Hotel in {city}, {nights} nights[, {guests} people].",
            "Reserve {nights} nights in {city}[{breakfast?, breakfast included|, no breakfast}].",
        ], heldout: [
            "Get me a room in {city} for {nights} nights[, {guests} guests][{breakfast?, and add breakfast|, room only}].",
        ]),
        WorldFunction("rent_car", domain: "travel", "Rent a car.", intent: "rent a car", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("pickup_date", .string, "Date, YYYY-MM-DD.", pool: .date),
            WorldParameter("days", .integer, "Rental length in days.", pool: .days),
            WorldParameter("car_type", .enumeration(["compact", "sedan", "suv", "van"]), "", default: .string("compact")),
        ], train: [
            "Rent a car in {city} from {pickup_date} for {days} days[, a {car_type}].",
            "I need a car in {city} on {pickup_date} for {days} days[, type {car_type}].",
            "Car rental: {city}, {pickup_date}, {days} days[, {car_type}].",
        ], heldout: [
            "Can I pick up a rental in {city} on {pickup_date} and keep it {days} days[, ideally a {car_type}]?",
        ]),
        WorldFunction("get_local_time", domain: "travel", "Current local time in a city.", intent: "know the local time", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("format", .enumeration(["12h", "24h"]), "", default: .string("24h")),
        ], train: [
            "What time is it in {city}[ in {format} format]?",
            "Local time in {city}[, {format}].",
            "Current time for {city}[ as {format}]?",
        ], heldout: [
            "Tell me the clock time in {city}[ using {format}].",
        ]),
    ]

    static let finance: [WorldFunction] = [
        WorldFunction("get_stock_price", domain: "finance", "Latest price of a stock.", intent: "get a stock price", [
            WorldParameter("ticker", .string, "", pool: .ticker),
            WorldParameter("exchange", .enumeration(["NASDAQ", "NYSE"]), "", default: .string("NASDAQ")),
        ], train: [
            "Price of {ticker}[ on {exchange}]?",
            "How is {ticker} trading[ on the {exchange}]?",
            "Quote for {ticker} stock[ from {exchange}].",
        ], heldout: [
            "What's {ticker} worth right now[ on {exchange}]?",
        ]),
        WorldFunction("convert_currency", domain: "finance", "Convert money between currencies.", intent: "convert an amount of money", [
            WorldParameter("amount", .float, "", pool: .amount),
            WorldParameter("from_currency", .string, "Source currency code.", pool: .currency),
            WorldParameter("to_currency", .string, "Target currency code.", pool: .currency),
        ], train: [
            "Convert {amount} {from_currency} to {to_currency}.",
            "How much is {amount} {from_currency} in {to_currency}?",
            "{amount} {from_currency} to {to_currency} please.",
        ], heldout: [
            "Exchange {amount} {from_currency} into {to_currency}.",
        ]),
        WorldFunction("loan_payment", domain: "finance", "Monthly payment of a loan.", intent: "compute a loan payment", [
            WorldParameter("principal", .float, "", pool: .amount),
            WorldParameter("annual_rate", .float, "Yearly interest in percent.", pool: .rate),
            WorldParameter("years", .integer, "Loan term in years.", pool: .count),
        ], train: [
            "Monthly payment on a {principal} loan at {annual_rate}% for {years} years?",
            "Loan of {principal} over {years} years at {annual_rate} percent: what's the payment?",
            "Calculate repayments: {principal} borrowed, {annual_rate}% interest, {years} years.",
        ], heldout: [
            "If I borrow {principal} for {years} years at {annual_rate}%, what do I pay each month?",
        ]),
        WorldFunction("split_bill", domain: "finance", "Share a bill between people.", intent: "split a bill", [
            WorldParameter("total", .float, "", pool: .price),
            WorldParameter("people", .integer, "", pool: .count),
            WorldParameter("tip_percent", .integer, "Tip in percent.", pool: .percent, default: .integer(15)),
        ], train: [
            "Split a {total} bill between {people} people[ with {tip_percent}% tip].",
            "We are {people}, the bill is {total}[, tip {tip_percent}%]. How much each?",
            "Divide {total} among {people}[ including a {tip_percent} percent tip].",
        ], heldout: [
            "{people} friends share a check of {total}[ plus {tip_percent}% tip]; what does each pay?",
        ]),
    ]

    static let food: [WorldFunction] = [
        WorldFunction("find_restaurant", domain: "food", "Search restaurants by cuisine.", intent: "find a restaurant", [
            WorldParameter("city", .string, "", pool: .city),
            WorldParameter("cuisine", .enumeration(["italian", "japanese", "mexican", "indian", "thai", "french", "greek", "chinese"]), ""),
            WorldParameter("open_now", .boolean, "Only places open now.", default: .bool(true)),
        ], train: [
            "Find {cuisine} food in {city}[{open_now?, open now|, even if closed}].",
            "Any good {cuisine} restaurants in {city}[{open_now? open right now| regardless of hours}]?",
            "{cuisine} places in {city}[{open_now?, currently open|, any hours}].",
        ], heldout: [
            "Where can I eat {cuisine} in {city}[{open_now? that's open now| at any time}]?",
        ]),
        WorldFunction("get_recipe", domain: "food", "Find a recipe for a dish.", intent: "get a recipe", [
            WorldParameter("dish", .string, "", pool: .dish),
            WorldParameter("servings", .integer, "", pool: .count, default: .integer(2)),
            WorldParameter("max_minutes", .integer, "Longest cooking time.", pool: .minutes, default: .integer(60)),
        ], train: [
            "Recipe for {dish}[ for {servings} people][ in under {max_minutes} minutes].",
            "How do I make {dish}[, {servings} servings]?",
            "Show me a {dish} recipe[ that takes at most {max_minutes} minutes].",
        ], heldout: [
            "I want to cook {dish}[ for {servings}][ within {max_minutes} minutes].",
        ]),
        WorldFunction("order_food", domain: "food", "Order dishes for delivery.", intent: "order food", [
            WorldParameter("items", .array(.string), "", pool: .dish),
            WorldParameter("express", .boolean, "Fast delivery.", default: .bool(false)),
        ], train: [
            "Order {items} for delivery[{express?, express| at normal speed}].",
            "Get me {items}[{express?, as fast as possible|, no rush}].",
            "Deliver {items}[{express? by express| by standard delivery}].",
        ], heldout: [
            "Please bring {items} to my door[{express?, rush it|, standard is fine}].",
        ]),
        WorldFunction("nutrition_info", domain: "food", "Nutrition facts for a food.", intent: "look up nutrition facts", [
            WorldParameter("food", .string, "", pool: .ingredient),
            WorldParameter("grams", .float, "Portion in grams.", pool: .grams),
        ], train: [
            "Nutrition facts for {grams} g of {food}.",
            "How many calories in {grams} grams of {food}?",
            "Macros of {food}, {grams} grams.",
        ], heldout: [
            "What's in {grams}g of {food} nutritionally?",
        ]),
    ]
}
