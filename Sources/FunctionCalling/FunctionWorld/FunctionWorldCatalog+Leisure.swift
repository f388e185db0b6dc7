extension FunctionWorldCatalog {
    static let health: [WorldFunction] = [
        WorldFunction("log_workout", domain: "health", "Record a workout.", intent: "log a workout", [
            WorldParameter("activity", .enumeration(["running", "cycling", "swimming", "yoga", "rowing", "hiking"]), ""),
            WorldParameter("minutes", .integer, "Duration in minutes.", pool: .minutes),
            WorldParameter("calories", .integer, "Calories burned, 0 if unknown.", pool: .calories, default: .integer(0)),
        ], train: [
            "Log {minutes} minutes of {activity}[, {calories} calories burned].",
            "I did {activity} for {minutes} minutes[ and burned {calories} kcal].",
            "Record a {activity} workout of {minutes} minutes[, {calories} calories].",
        ], heldout: [
            "Add {activity} to my log: {minutes} minutes[, burned {calories}].",
        ]),
        WorldFunction("calculate_bmi", domain: "health", "Body mass index.", intent: "compute a BMI", [
            WorldParameter("weight_kg", .float, "Weight in kg.", pool: .weight),
            WorldParameter("height_m", .float, "Height in meters.", pool: .height),
        ], train: [
            "BMI for {weight_kg} kg and {height_m} m?",
            "I weigh {weight_kg} kg and am {height_m} m tall. What's my BMI?",
            "Compute body mass index: weight {weight_kg}, height {height_m}.",
        ], heldout: [
            "At {height_m} m and {weight_kg} kg, what is my BMI?",
        ]),
        WorldFunction("book_doctor", domain: "health", "Book a doctor's appointment.", intent: "see a doctor", [
            WorldParameter("doctor", .string, "", pool: .person),
            WorldParameter("date", .string, "Date, YYYY-MM-DD.", pool: .date),
            WorldParameter("time", .string, "Time, HH:MM.", pool: .time),
            WorldParameter("reason", .enumeration(["checkup", "vaccine", "consultation", "followup"]), "", default: .string("checkup")),
        ], train: [
            "Book Dr. {doctor} on {date} at {time}[ for a {reason}].",
            "Appointment with {doctor}, {date} {time}[, reason: {reason}].",
            "Schedule me with doctor {doctor} on {date} at {time}[ for {reason}].",
        ], heldout: [
            "Can I see {doctor} at {time} on {date}[ for a {reason}]?",
        ]),
        WorldFunction("set_step_goal", domain: "health", "Set a daily step goal.", intent: "set a step goal", [
            WorldParameter("steps", .integer, "Steps per day.", pool: .steps),
            WorldParameter("remind", .boolean, "Send reminders.", default: .bool(true)),
        ], train: [
            "Set my daily step goal to {steps}[{remind?, with reminders|, no reminders}].",
            "I want to walk {steps} steps a day[{remind?, remind me| without reminders}].",
            "Step target: {steps}[{remind?, nudge me|, stay silent}].",
        ], heldout: [
            "Change my step goal to {steps} steps[{remind? and keep reminding me| and turn reminders off}].",
        ]),
    ]

    static let math: [WorldFunction] = [
        WorldFunction("average", domain: "math", "Mean of a list of numbers.", intent: "average some numbers", [
            WorldParameter("numbers", .array(.float), "", pool: .factor),
        ], train: [
            "Average of {numbers}.",
            "Mean of {numbers}?",
            "What's the mean value of {numbers}?",
        ], heldout: [
            "Compute the arithmetic mean for {numbers}.",
        ]),
        WorldFunction("solve_quadratic", domain: "math", "Roots of ax^2+bx+c=0.", intent: "solve a quadratic equation", [
            WorldParameter("a", .integer, "Coefficient of x^2.", pool: .coefficient),
            WorldParameter("b", .integer, "Coefficient of x.", pool: .coefficient),
            WorldParameter("c", .integer, "Constant term.", pool: .coefficient),
        ], train: [
            "Solve a={a}, b={b}, c={c} for ax^2+bx+c=0.",
            "Roots of a quadratic with a {a}, b {b} and c {c}?",
            "Find x for coefficients a={a} b={b} c={c}.",
        ], heldout: [
            "Quadratic with a as {a}, b as {b}, c as {c}: what are the solutions?",
        ]),
        WorldFunction("convert_units", domain: "math", "Convert a length between units.", intent: "convert a length", [
            WorldParameter("value", .float, "Length to convert.", pool: .distance),
            WorldParameter("from_unit", .enumeration(["km", "mi", "m", "ft"]), "Unit of the value."),
            WorldParameter("to_unit", .enumeration(["km", "mi", "m", "ft"]), "Target unit."),
        ], train: [
            "Convert {value} {from_unit} to {to_unit}.",
            "How many {to_unit} is {value} {from_unit}?",
            "{value} {from_unit} in {to_unit}?",
        ], heldout: [
            "Express {value} {from_unit} as {to_unit}.",
        ]),
        WorldFunction("percentage", domain: "math", "What percent one number is of another.", intent: "compute a percentage", [
            WorldParameter("part", .float, "", pool: .amount),
            WorldParameter("whole", .float, "", pool: .amount),
            WorldParameter("decimals", .integer, "Decimal places.", pool: .digits, default: .integer(2)),
        ], train: [
            "What percent of {whole} is {part}[, rounded to {decimals} decimals]?",
            "{part} out of {whole} as a percentage[ with {decimals} decimal places].",
            "Percentage: {part} of {whole}[, {decimals} digits].",
        ], heldout: [
            "Express {part} relative to {whole} in percent[ to {decimals} places].",
        ]),
    ]

    static let media: [WorldFunction] = [
        WorldFunction("play_music", domain: "media", "Play songs by an artist.", intent: "play music", [
            WorldParameter("artist", .string, "", pool: .artist),
            WorldParameter("shuffle", .boolean, "Random order.", default: .bool(false)),
            WorldParameter("volume", .integer, "Volume 0-100.", pool: .volume, default: .integer(50)),
        ], train: [
            "Play {artist}[{shuffle? on shuffle| in order}][ at volume {volume}].",
            "Put on some {artist}[, volume {volume}].",
            "I want to hear {artist}[{shuffle?, shuffled|, not shuffled}].",
        ], heldout: [
            "Start {artist} music[ with volume {volume}][{shuffle?, random order|, album order}].",
        ]),
        WorldFunction("create_playlist", domain: "media", "Make a playlist from artists.", intent: "create a playlist", [
            WorldParameter("name", .string, "", pool: .playlist),
            WorldParameter("artists", .array(.string), "", pool: .artist),
            WorldParameter("public", .boolean, "Visible to others.", default: .bool(false)),
        ], train: [
            "Make a playlist called {name} with {artists}[{public?, public|, private}].",
            "New playlist {name}: {artists}.",
            "Create '{name}' with songs by {artists}[{public?, shared publicly|, keep it private}].",
        ], heldout: [
            "Build me a {name} playlist featuring {artists}[{public?, visible to everyone|, just for me}].",
        ]),
        WorldFunction("search_movies", domain: "media", "Find movies by genre and year.", intent: "find a movie", [
            WorldParameter("genre", .enumeration(["comedy", "drama", "horror", "action", "scifi", "romance", "thriller", "animation"]), ""),
            WorldParameter("year", .integer, "", pool: .year),
            WorldParameter("min_rating", .float, "Lowest rating.", pool: .rating, default: .float(7.0)),
        ], train: [
            "Find {genre} movies from {year}[ rated above {min_rating}].",
            "{genre} films of {year}[ with rating at least {min_rating}]?",
            "Recommend a {year} {genre} movie[, minimum rating {min_rating}].",
        ], heldout: [
            "Which {genre} titles came out in {year}[ scoring over {min_rating}]?",
        ]),
        WorldFunction("get_news", domain: "media", "Latest news articles on a topic.", intent: "read the news", [
            WorldParameter("topic", .string, "", pool: .topic),
            WorldParameter("count", .integer, "", pool: .count, default: .integer(5)),
            WorldParameter("language", .enumeration(["en", "es", "fr", "de"]), "Language code.", default: .string("en")),
        ], train: [
            "Latest news about {topic}[, {count} articles][ in {language}].",
            "Headlines on {topic}[ in {language}]?",
            "Show me {topic} news[, top {count}].",
        ], heldout: [
            "Any updates on {topic}[, {count} stories][, language {language}]?",
        ]),
    ]
}
