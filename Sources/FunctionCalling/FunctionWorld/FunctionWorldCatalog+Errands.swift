extension FunctionWorldCatalog {
    static let shopping: [WorldFunction] = [
        WorldFunction("search_products", domain: "shopping", "Search the shop.", intent: "shop for a product", [
            WorldParameter("query", .string, "", pool: .product),
            WorldParameter("max_price", .float, "Highest price.", pool: .price),
            WorldParameter("color", .string, "", pool: .color, default: .string("any")),
        ], train: [
            "Search for a {query} under {max_price}[ in {color}].",
            "Find a {query} below {max_price}[, {color} only].",
            "Show me {query} options up to {max_price}[, color {color}].",
        ], heldout: [
            "I'm shopping for a {query}, budget {max_price}[, preferably {color}].",
        ]),
        WorldFunction("add_to_cart", domain: "shopping", "Add a product to the cart.", intent: "add something to the cart", [
            WorldParameter("product", .string, "", pool: .product),
            WorldParameter("quantity", .integer, "", pool: .count, default: .integer(1)),
            WorldParameter("gift_wrap", .boolean, "Wrap as a gift.", default: .bool(false)),
        ], train: [
            "Put {product} in the cart[, quantity {quantity}][{gift_wrap?, gift wrapped|, no wrapping}].",
            "Add {product} to my cart[, {quantity} of them].",
            "Cart: {product}[ times {quantity}][{gift_wrap?, as a gift|, plain}].",
        ], heldout: [
            "I'll take the {product}[, {quantity} units][{gift_wrap?, wrapped for a gift|, without gift wrap}].",
        ]),
        WorldFunction("track_package", domain: "shopping", "Where a parcel is.", intent: "track a package", [
            WorldParameter("tracking_id", .string, "", pool: .parcel),
            WorldParameter("carrier", .enumeration(["ups", "fedex", "dhl", "usps"]), "", default: .string("ups")),
        ], train: [
            "Where is package {tracking_id}[ via {carrier}]?",
            "Track {tracking_id}[, carrier {carrier}].",
            "Status of my parcel {tracking_id}[ shipped with {carrier}]?",
        ], heldout: [
            "Any news on shipment {tracking_id}[ from {carrier}]?",
        ]),
        WorldFunction("apply_coupon", domain: "shopping", "Apply a discount code.", intent: "use a coupon", [
            WorldParameter("code", .string, "", pool: .coupon),
            WorldParameter("cart_total", .float, "", pool: .price),
        ], train: [
            "Apply coupon {code} to my {cart_total} order.",
            "Use code {code} on a cart of {cart_total}.",
            "Discount {code} for total {cart_total}?",
        ], heldout: [
            "My basket is {cart_total}; try promo {code}.",
        ]),
    ]

    static let home: [WorldFunction] = [
        WorldFunction("set_thermostat", domain: "home", "Set a room's temperature.", intent: "change the temperature", [
            WorldParameter("room", .string, "", pool: .room),
            WorldParameter("temperature", .float, "Target in degrees.", pool: .temperature),
            WorldParameter("mode", .enumeration(["heat", "cool", "auto"]), "", default: .string("auto")),
        ], train: [
            "Set the {room} to {temperature} degrees[ on {mode}].",
            "{room} thermostat {temperature}[, mode {mode}].",
            "Make the {room} {temperature} degrees[ in {mode} mode].",
        ], heldout: [
            "Bring the {room} to {temperature}[ with the {mode} setting].",
        ]),
        WorldFunction("control_lights", domain: "home", "Switch lights on or off.", intent: "switch the lights", [
            WorldParameter("room", .string, "", pool: .room),
            WorldParameter("on", .boolean, "True for on, False for off."),
            WorldParameter("brightness", .integer, "Brightness in percent.", pool: .volume, default: .integer(100)),
        ], train: [
            "Turn {on?on|off} the {room} lights[ at {brightness}%].",
            "Lights {on?on|off} in the {room}[, brightness {brightness}].",
            "Switch the {room} lamps {on?on|off}[ to {brightness} percent].",
        ], heldout: [
            "Could you put the {room} lighting {on?on|off}[ with {brightness}% brightness]?",
        ]),
        WorldFunction("schedule_device", domain: "home", "Run a device in a time window.", intent: "schedule an appliance", [
            WorldParameter("device", .string, "", pool: .device),
            WorldParameter("window", .dict([
                WorldParameter("start", .string, "Start, HH:MM.", pool: .time),
                WorldParameter("end", .string, "End, HH:MM.", pool: .time),
            ]), ""),
        ], train: [
            "Run the {device} from {window.start} to {window.end}.",
            "Schedule {device} between {window.start} and {window.end}.",
            "{device} on at {window.start}, off at {window.end}.",
        ], heldout: [
            "Keep the {device} running {window.start} until {window.end}.",
        ]),
        WorldFunction("lock_door", domain: "home", "Lock a door.", intent: "lock a door", [
            WorldParameter("door", .enumeration(["front", "back", "garage", "patio"]), ""),
            WorldParameter("notify", .boolean, "Send a notification.", default: .bool(false)),
        ], train: [
            "Lock the {door} door[{notify? and notify me| quietly}].",
            "Please secure the {door} door[{notify?, send me an alert|, no alert}].",
            "{door} door: lock it[{notify?, and tell me|, silently}].",
        ], heldout: [
            "Make sure the {door} door is locked[{notify?, ping me after|, no need to ping}].",
        ]),
    ]

    static let calendar: [WorldFunction] = [
        WorldFunction("create_event", domain: "calendar", "Add a calendar event.", intent: "create a calendar event", [
            WorldParameter("title", .string, "", pool: .subject),
            WorldParameter("date", .string, "Date, YYYY-MM-DD.", pool: .date),
            WorldParameter("time", .string, "Start, HH:MM.", pool: .time),
            WorldParameter("duration", .integer, "Length in minutes.", pool: .minutes, default: .integer(60)),
            WorldParameter("attendees", .array(.string), "", pool: .person, default: .list([])),
        ], train: [
            "Create an event '{title}' on {date} at {time}[ for {duration} minutes][ with {attendees}].",
            "Schedule {title} for {date} {time}[, {duration} min][, invite {attendees}].",
            "Put {title} in my calendar on {date} at {time}[ with {attendees}].",
        ], heldout: [
            "Block {date} at {time} for {title}[, lasting {duration} minutes][, guests {attendees}].",
        ]),
        WorldFunction("set_reminder", domain: "calendar", "Remind the user of a task.", intent: "set a reminder", [
            WorldParameter("task", .string, "", pool: .chore),
            WorldParameter("time", .string, "When, HH:MM.", pool: .time),
            WorldParameter("repeat", .enumeration(["none", "daily", "weekly"]), "", default: .string("none")),
        ], train: [
            "Remind me to {task} at {time}[, repeat {repeat}].",
            "Reminder at {time}: {task}[, {repeat}].",
            "At {time} tell me to {task}[, repeating {repeat}].",
        ], heldout: [
            "Ping me at {time} about: {task}[; make it {repeat}].",
        ]),
        WorldFunction("send_email", domain: "calendar", "Send an email.", intent: "send an email", [
            WorldParameter("to", .string, "", pool: .person),
            WorldParameter("subject", .string, "", pool: .subject),
            WorldParameter("urgent", .boolean, "Mark as urgent.", default: .bool(false)),
        ], train: [
            "Email {to} about {subject}[{urgent?, mark it urgent|, not urgent}].",
            "Send {to} a message titled {subject}[{urgent?, high priority|, normal priority}].",
            "Write to {to}, subject: {subject}[{urgent? (urgent)| (low priority)}].",
        ], heldout: [
            "Drop {to} a note on {subject}[{urgent?, it's urgent|, no rush}].",
        ]),
        WorldFunction("add_todo", domain: "calendar", "Add an item to the to-do list.", intent: "add a to-do item", [
            WorldParameter("title", .string, "", pool: .chore),
            WorldParameter("priority", .enumeration(["low", "medium", "high"]), "", default: .string("medium")),
            WorldParameter("tags", .array(.string), "", pool: .topic, default: .list([])),
        ], train: [
            "Add '{title}' to my to-do list[ with {priority} priority].",
            "New task: {title}[, {priority} priority][, tags {tags}].",
            "To-do: {title}[, tagged {tags}].",
        ], heldout: [
            "Put {title} on my list[ as {priority} priority][ labeled {tags}].",
        ]),
    ]

    static let sports: [WorldFunction] = [
        WorldFunction("get_match_result", domain: "sports", "Result of a team's game.", intent: "get a match result", [
            WorldParameter("team", .string, "", pool: .team),
            WorldParameter("date", .string, "Date, YYYY-MM-DD.", pool: .date),
        ], train: [
            "How did the {team} do on {date}?",
            "Score of the {team} game on {date}?",
            "{team} result from {date}.",
        ], heldout: [
            "Did the {team} win on {date}?",
        ]),
        WorldFunction("league_standings", domain: "sports", "League table of a season.", intent: "see league standings", [
            WorldParameter("sport", .enumeration(["football", "basketball", "baseball", "hockey"]), ""),
            WorldParameter("season", .integer, "", pool: .year),
            WorldParameter("top", .integer, "", pool: .count, default: .integer(10)),
        ], train: [
            "{sport} standings for {season}[, top {top}].",
            "Show the {season} {sport} table[ with {top} teams].",
            "League table for {sport} in {season}[, first {top} teams].",
        ], heldout: [
            "Rank the {sport} teams of {season}[, only the top {top}].",
        ]),
        WorldFunction("buy_tickets", domain: "sports", "Buy tickets for a game.", intent: "buy game tickets", [
            WorldParameter("team", .string, "", pool: .team),
            WorldParameter("date", .string, "Date, YYYY-MM-DD.", pool: .date),
            WorldParameter("quantity", .integer, "", pool: .count),
            WorldParameter("seat", .dict([
                WorldParameter("section", .integer, "", pool: .floor),
                WorldParameter("row", .integer, "", pool: .floor),
            ]), ""),
        ], train: [
            "Buy {quantity} tickets for the {team} game on {date}, section {seat.section} row {seat.row}.",
            "{quantity} seats for {team} on {date} in section {seat.section}, row {seat.row}.",
            "Get me {quantity} {team} tickets for {date}: section {seat.section}, row {seat.row}.",
        ], heldout: [
            "Reserve {quantity} places at the {team} match on {date}, row {seat.row} of section {seat.section}.",
        ]),
        WorldFunction("player_stats", domain: "sports", "A player's season statistics.", intent: "see player statistics", [
            WorldParameter("player", .string, "", pool: .person),
            WorldParameter("season", .integer, "", pool: .year),
            WorldParameter("per_game", .boolean, "Averages per game.", default: .bool(false)),
        ], train: [
            "Stats for {player} in {season}[{per_game?, per game|, season totals}].",
            "How did {player} play in {season}[{per_game?, averaged per game|, in total}]?",
            "{player}'s numbers for {season}.",
        ], heldout: [
            "Give me {player}'s {season} season[{per_game? per game| as totals}].",
        ]),
    ]
}
