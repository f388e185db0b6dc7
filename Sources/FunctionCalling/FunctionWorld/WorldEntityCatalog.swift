/// The generated FunctionWorld catalog: 40 domains of 4 record kinds each (`WorldEntity`), every
/// kind turned into 7-9 functions with question templates for both splits, 1,139 functions in all. No two domains share a record kind, so a question about one kind has no answer in
/// another domain (irrelevance tasks rely on it). Field names, nouns and phrases come from the
/// shared `field` library or are written inline for kinds that need their own (an enum of states).
public enum WorldEntityCatalog {
    /// Every generated function, in a fixed order.
    public static let functions: [WorldFunction] = entities.flatMap(\.functions)

    /// The domains, in catalog order.
    public static var domains: [String] {
        var seen: [String] = []
        for e in entities where !seen.contains(e.domain) { seen.append(e.domain) }
        return seen
    }

    /// A field from the library by its key.
    static func field(_ key: String) -> WorldAttribute {
        guard let f = library[key] else { preconditionFailure("WorldEntityCatalog: no field \(key)") }
        return f
    }

    static func scalar(_ name: String, _ type: WorldType, _ pool: ValuePool?, _ description: String, noun: String, phrase: String) -> WorldAttribute {
        let any: Value
        switch type {
        case .integer: any = .integer(0)
        case .float: any = .float(0)
        case .enumeration(let options): any = .string(options[0])
        default: any = .string("any")
        }
        return WorldAttribute(WorldParameter(name, type, description, pool: pool), noun: noun, phrase: phrase, any: any)
    }

    /// An enum field written inline: `options[0]` is its "no filter" default.
    static func choice(_ name: String, _ options: [String], noun: String, phrase: String) -> WorldAttribute {
        scalar(name, .enumeration(options), nil, "", noun: noun, phrase: phrase)
    }

    static let library: [String: WorldAttribute] = {
        var l: [String: WorldAttribute] = [:]
        func add(_ a: WorldAttribute) { l[a.name] = a }
        add(scalar("city", .string, .city, "City name.", noun: "city", phrase: "in {city}"))
        add(scalar("owner", .string, .person, "Who owns it.", noun: "owner", phrase: "owned by {owner}"))
        add(scalar("author", .string, .person, "Author's name.", noun: "author", phrase: "by {author}"))
        add(scalar("assignee", .string, .person, "Person responsible.", noun: "assignee", phrase: "assigned to {assignee}"))
        add(scalar("customer", .string, .person, "Customer's name.", noun: "customer", phrase: "for customer {customer}"))
        add(scalar("contact", .string, .person, "Contact person.", noun: "contact", phrase: "with contact {contact}"))
        add(scalar("instructor", .string, .person, "Who teaches it.", noun: "instructor", phrase: "taught by {instructor}"))
        add(scalar("manager", .string, .person, "Who manages it.", noun: "manager", phrase: "managed by {manager}"))
        add(scalar("artist", .string, .artist, "Performer.", noun: "artist", phrase: "by {artist}"))
        add(scalar("date", .string, .date, "Date as YYYY-MM-DD.", noun: "date", phrase: "on {date}"))
        add(scalar("due_date", .string, .date, "Due date as YYYY-MM-DD.", noun: "due date", phrase: "due {due_date}"))
        add(scalar("start_date", .string, .date, "First day as YYYY-MM-DD.", noun: "start date", phrase: "starting {start_date}"))
        add(scalar("time", .string, .time, "Time as HH:MM.", noun: "time", phrase: "at {time}"))
        add(scalar("year", .integer, .year, "Year.", noun: "year", phrase: "from {year}"))
        add(scalar("max_price", .float, .price, "Highest price in dollars.", noun: "price cap", phrase: "under {max_price} dollars"))
        add(scalar("budget", .float, .amount, "Budget in dollars.", noun: "budget", phrase: "within a budget of {budget}"))
        add(scalar("amount", .float, .amount, "Amount in dollars.", noun: "amount", phrase: "worth {amount}"))
        add(scalar("min_rating", .float, .rating, "Lowest rating out of 10.", noun: "minimum rating", phrase: "rated at least {min_rating}"))
        add(scalar("max_distance", .float, .distance, "Farthest distance in km.", noun: "distance limit", phrase: "within {max_distance} km"))
        add(scalar("weight", .float, .weight, "Weight in kg.", noun: "weight", phrase: "weighing {weight} kg"))
        add(scalar("temperature", .float, .temperature, "Temperature in Celsius.", noun: "temperature", phrase: "at {temperature} degrees"))
        add(scalar("rate", .float, .rate, "Rate in percent.", noun: "rate", phrase: "at {rate} percent"))
        add(scalar("discount", .integer, .percent, "Discount in percent.", noun: "discount", phrase: "with a {discount} percent discount"))
        add(scalar("quantity", .integer, .count, "How many units.", noun: "quantity", phrase: "in a quantity of {quantity}"))
        add(scalar("guests", .integer, .count, "Number of people.", noun: "party size", phrase: "for {guests} people"))
        add(scalar("nights", .integer, .nights, "Number of nights.", noun: "length of stay", phrase: "for {nights} nights"))
        add(scalar("days", .integer, .days, "Duration in days.", noun: "duration", phrase: "lasting {days} days"))
        add(scalar("duration_minutes", .integer, .minutes, "Duration in minutes.", noun: "length", phrase: "lasting {duration_minutes} minutes"))
        add(scalar("floor", .integer, .floor, "Floor number.", noun: "floor", phrase: "on floor {floor}"))
        add(scalar("capacity", .integer, .count, "Places available.", noun: "capacity", phrase: "with room for {capacity}"))
        add(scalar("years_term", .integer, .count, "Term in years.", noun: "term", phrase: "over {years_term} years"))
        add(scalar("min_age", .integer, .count, "Youngest age accepted.", noun: "minimum age", phrase: "for ages {min_age} and up"))
        add(scalar("color", .string, .color, "Color.", noun: "color", phrase: "in {color}"))
        add(scalar("currency", .string, .currency, "ISO currency code.", noun: "currency", phrase: "in {currency}"))
        add(scalar("language", .string, .language, "Language.", noun: "language", phrase: "in {language}"))
        add(scalar("country", .string, .country, "Country.", noun: "country", phrase: "from {country}"))
        add(scalar("vendor", .string, .company, "Company name.", noun: "vendor", phrase: "from {vendor}"))
        add(scalar("topic", .string, .topic, "Subject area.", noun: "topic", phrase: "about {topic}"))
        add(scalar("product", .string, .product, "Product name.", noun: "product", phrase: "for a {product}"))
        add(scalar("dish", .string, .dish, "Dish name.", noun: "dish", phrase: "of {dish}"))
        add(scalar("room", .string, .room, "Room of the house.", noun: "room", phrase: "in the {room}"))
        add(scalar("device", .string, .device, "Appliance.", noun: "appliance", phrase: "for the {device}"))
        add(scalar("team", .string, .team, "Team name.", noun: "team", phrase: "for the {team}"))
        add(scalar("airport", .string, .airport, "IATA airport code.", noun: "airport", phrase: "at {airport}"))
        add(scalar("ticker", .string, .ticker, "Stock symbol.", noun: "symbol", phrase: "for {ticker}"))
        add(scalar("title", .string, .title, "Title.", noun: "title", phrase: "titled {title}"))
        add(scalar("subject", .string, .subject, "Subject line.", noun: "subject", phrase: "about the {subject}"))
        add(scalar("code", .string, .coupon, "Promotion code.", noun: "promotion code", phrase: "with code {code}"))
        add(WorldAttribute(WorldParameter("tags", .array(.string), "Labels.", pool: .topic), noun: "tags", phrase: "tagged {tags}", any: .list([])))
        add(WorldAttribute(WorldParameter("ingredients", .array(.string), "Ingredients.", pool: .ingredient), noun: "ingredients",
                           phrase: "made with {ingredients}", any: .list([])))
        add(WorldAttribute(WorldParameter("participants", .array(.string), "People taking part.", pool: .person), noun: "participants",
                           phrase: "shared with {participants}", any: .list([])))
        add(WorldAttribute(WorldParameter("window", .dict([WorldParameter("start", .string, "First day.", pool: .date),
                                                            WorldParameter("end", .string, "Last day.", pool: .date)]),
                                          "The period, as start and end dates."),
                           noun: "period", phrase: "running from {window.start} to {window.end}", any: .object([])))
        add(WorldAttribute(WorldParameter("location", .dict([WorldParameter("city", .string, "City.", pool: .city),
                                                              WorldParameter("floor", .integer, "Floor.", pool: .floor)]),
                                            "Where it is: city and floor."),
                           noun: "location", phrase: "located in {location.city} on floor {location.floor}", any: .object([])))
        return l
    }()

    static func entity(_ domain: String, _ singular: String, _ plural: String, _ fields: [WorldAttribute]) -> WorldEntity {
        WorldEntity(domain: domain, singular, plural, fields)
    }

    static let status = choice("status", ["open", "pending", "closed"], noun: "status", phrase: "with status {status}")
    static let level = choice("level", ["beginner", "intermediate", "advanced"], noun: "level", phrase: "at {level} level")
    static let size = choice("size", ["small", "medium", "large"], noun: "size", phrase: "in size {size}")
    static let channel = choice("channel", ["email", "sms", "phone"], noun: "channel", phrase: "by {channel}")
    static let mode = choice("mode", ["online", "in_person"], noun: "mode", phrase: "held {mode}")
    static let tier = choice("tier", ["basic", "plus", "premium"], noun: "tier", phrase: "on the {tier} tier")
    static let urgency = choice("urgency", ["routine", "soon", "urgent"], noun: "urgency", phrase: "marked {urgency}")
    static let material = choice("material", ["wood", "steel", "plastic", "glass"], noun: "material", phrase: "made of {material}")
    static let fuel = choice("fuel", ["petrol", "diesel", "electric", "hybrid"], noun: "fuel type", phrase: "running on {fuel}")
    static let format = choice("format", ["pdf", "csv", "docx"], noun: "file format", phrase: "in {format} format")

    static let entities: [WorldEntity] = [
        entity("library", "book loan", "book loans", ["author", "due_date", "title", "participants"]),
        entity("library", "reading room", "reading rooms", ["floor", "capacity", "time"]),
        entity("library", "archive request", "archive requests", ["topic", "year", status]),
        entity("library", "study group", "study groups", ["topic", "capacity", level, "window"]),
        entity("hotels", "room booking", "room bookings", ["city", "nights", "guests", "max_price"]),
        entity("hotels", "guest review", "guest reviews", ["min_rating", "language", "author"]),
        entity("hotels", "spa appointment", "spa appointments", ["date", "time", "duration_minutes"]),
        entity("hotels", "minibar order", "minibar orders", ["quantity", "amount", "room"]),
        entity("airlines", "seat upgrade", "seat upgrades", ["airport", "date", tier]),
        entity("airlines", "baggage claim", "baggage claims", ["airport", "weight", status]),
        entity("airlines", "lounge pass", "lounge passes", ["airport", "guests", "time"]),
        entity("airlines", "frequent flyer account", "frequent flyer accounts", ["owner", "country", tier]),
        entity("rail", "train ticket", "train tickets", ["city", "date", "time", "max_price"]),
        entity("rail", "season pass", "season passes", ["city", "start_date", "days"]),
        entity("rail", "platform alert", "platform alerts", ["city", "time", urgency]),
        entity("rail", "lost item report", "lost item reports", ["color", "date", "city"]),
        entity("car rental", "rental car", "rental cars", ["city", "days", fuel, "max_price"]),
        entity("car rental", "damage report", "damage reports", ["date", "amount", status]),
        entity("car rental", "child seat", "child seats", ["quantity", size, "city"]),
        entity("car rental", "toll pass", "toll passes", ["country", "days", "amount"]),
        entity("banking", "wire transfer", "wire transfers", ["amount", "currency", "date"]),
        entity("banking", "savings goal", "savings goals", ["amount", "due_date", "title"]),
        entity("banking", "card dispute", "card disputes", ["amount", "date", status]),
        entity("banking", "standing order", "standing orders", ["amount", "start_date", "contact"]),
        entity("investing", "stock alert", "stock alerts", ["ticker", "rate", channel]),
        entity("investing", "limit order", "limit orders", ["ticker", "quantity", "max_price"]),
        entity("investing", "portfolio report", "portfolio reports", ["year", "currency", format]),
        entity("investing", "dividend payment", "dividend payments", ["ticker", "date", "amount"]),
        entity("insurance", "insurance claim", "insurance claims", ["amount", "date", status, "participants"]),
        entity("insurance", "policy quote", "policy quotes", ["country", "budget", tier]),
        entity("insurance", "home inspection", "home inspections", ["city", "date", "time"]),
        entity("insurance", "vehicle policy", "vehicle policies", ["owner", fuel, "year"]),
        entity("payroll", "timesheet", "timesheets", ["assignee", "start_date", "days"]),
        entity("payroll", "expense report", "expense reports", ["amount", "currency", status]),
        entity("payroll", "bonus payment", "bonus payments", ["assignee", "amount", "date"]),
        entity("payroll", "tax form", "tax forms", ["year", "country", format]),
        entity("clinic", "vaccination record", "vaccination records", ["date", "country", "owner"]),
        entity("clinic", "lab test", "lab tests", ["date", "time", urgency]),
        entity("clinic", "prescription refill", "prescription refills", ["quantity", "due_date", "customer"]),
        entity("clinic", "therapy session", "therapy sessions", ["date", "duration_minutes", mode]),
        entity("fitness", "gym class", "gym classes", ["instructor", "time", level, "capacity"]),
        entity("fitness", "personal training plan", "personal training plans", ["instructor", "days", level]),
        entity("fitness", "locker rental", "locker rentals", ["floor", "days", size]),
        entity("fitness", "body measurement", "body measurements", ["weight", "date", "owner"]),
        entity("restaurants", "table reservation", "table reservations", ["guests", "date", "time", "city"]),
        entity("restaurants", "catering order", "catering orders", ["dish", "guests", "date", "ingredients"]),
        entity("restaurants", "menu item", "menu items", ["dish", "max_price", "ingredients"]),
        entity("restaurants", "gift card", "gift cards", ["amount", "customer", "due_date"]),
        entity("groceries", "grocery delivery", "grocery deliveries", ["date", "time", "ingredients"]),
        entity("groceries", "pantry item", "pantry items", ["quantity", "due_date", "room"]),
        entity("groceries", "store coupon", "store coupons", ["discount", "code", "due_date"]),
        entity("groceries", "recipe box", "recipe boxes", ["dish", "guests", "max_price"]),
        entity("retail", "product return", "product returns", ["product", "amount", status]),
        entity("retail", "price alert", "price alerts", ["product", "max_price", channel]),
        entity("retail", "wish list", "wish lists", ["owner", "title", "tags"]),
        entity("retail", "store pickup", "store pickups", ["city", "date", "time"]),
        entity("furniture", "sofa order", "sofa orders", ["color", material, "max_price"]),
        entity("furniture", "assembly visit", "assembly visits", ["date", "time", "room"]),
        entity("furniture", "custom shelf", "custom shelves", [material, "weight", "room"]),
        entity("furniture", "showroom appointment", "showroom appointments", ["city", "date", "time"]),
        entity("smart home", "thermostat schedule", "thermostat schedules", ["room", "temperature", "time"]),
        entity("smart home", "appliance timer", "appliance timers", ["device", "time", "duration_minutes"]),
        entity("smart home", "security camera", "security cameras", ["room", "floor", status]),
        entity("smart home", "energy report", "energy reports", ["year", "device", format]),
        entity("real estate", "apartment listing", "apartment listings", ["city", "max_price", "floor", "location"]),
        entity("real estate", "viewing slot", "viewing slots", ["date", "time", "contact"]),
        entity("real estate", "rental application", "rental applications", ["customer", "budget", status]),
        entity("real estate", "mortgage estimate", "mortgage estimates", ["amount", "rate", "years_term"]),
        entity("moving", "moving truck", "moving trucks", ["city", "date", size]),
        entity("moving", "storage unit", "storage units", ["city", size, "days"]),
        entity("moving", "packing kit", "packing kits", ["quantity", size, "due_date"]),
        entity("moving", "address change", "address changes", ["city", "start_date", "owner"]),
        entity("education", "course enrollment", "course enrollments", ["topic", level, "start_date"]),
        entity("education", "exam registration", "exam registrations", ["topic", "date", "language"]),
        entity("education", "tutoring session", "tutoring sessions", ["instructor", "date", "time", mode]),
        entity("education", "transcript request", "transcript requests", ["year", format, "owner"]),
        entity("language school", "language course", "language courses", ["language", level, "days"]),
        entity("language school", "conversation partner", "conversation partners", ["language", "city", "time"]),
        entity("language school", "placement test", "placement tests", ["language", "date", mode]),
        entity("language school", "vocabulary list", "vocabulary lists", ["language", "topic", "tags"]),
        entity("events", "concert ticket", "concert tickets", ["artist", "city", "max_price"]),
        entity("events", "venue booking", "venue bookings", ["city", "capacity", "date", "window"]),
        entity("events", "festival pass", "festival passes", ["city", "days", tier]),
        entity("events", "speaker slot", "speaker slots", ["topic", "time", "duration_minutes"]),
        entity("music", "vinyl record", "vinyl records", ["artist", "year", "max_price"]),
        entity("music", "rehearsal room", "rehearsal rooms", ["city", "time", "duration_minutes"]),
        entity("music", "instrument lesson", "instrument lessons", ["instructor", level, "time"]),
        entity("music", "radio request", "radio requests", ["artist", "title", "time"]),
        entity("film", "movie screening", "movie screenings", ["title", "city", "time"]),
        entity("film", "subtitle file", "subtitle files", ["title", "language", format]),
        entity("film", "film festival entry", "film festival entries", ["title", "country", "year"]),
        entity("film", "casting call", "casting calls", ["city", "date", "participants", "min_age"]),
        entity("publishing", "manuscript", "manuscripts", ["author", "title", "language"]),
        entity("publishing", "print run", "print runs", ["title", "quantity", "date"]),
        entity("publishing", "book review", "book reviews", ["title", "min_rating", "author"]),
        entity("publishing", "translation job", "translation jobs", ["language", "due_date", "amount"]),
        entity("sports club", "pitch booking", "pitch bookings", ["date", "time", "team"]),
        entity("sports club", "tournament entry", "tournament entries", ["team", "city", "start_date"]),
        entity("sports club", "membership card", "membership cards", ["owner", tier, "due_date"]),
        entity("sports club", "match report", "match reports", ["team", "date", "author"]),
        entity("outdoors", "campsite", "campsites", ["city", "nights", "guests"]),
        entity("outdoors", "hiking permit", "hiking permits", ["country", "start_date", "days"]),
        entity("outdoors", "kayak rental", "kayak rentals", ["city", "duration_minutes", "quantity"]),
        entity("outdoors", "trail report", "trail reports", ["max_distance", "date", "author"]),
        entity("pets", "vet visit", "vet visits", ["date", "time", urgency]),
        entity("pets", "pet sitter", "pet sitters", ["city", "start_date", "days"]),
        entity("pets", "grooming slot", "grooming slots", ["date", "time", size]),
        entity("pets", "pet food subscription", "pet food subscriptions", ["weight", "days", "vendor"]),
        entity("gardening", "seed order", "seed orders", ["quantity", "vendor", "due_date"]),
        entity("gardening", "watering plan", "watering plans", ["time", "duration_minutes", "days"]),
        entity("gardening", "allotment plot", "allotment plots", ["city", size, "owner"]),
        entity("gardening", "compost pickup", "compost pickups", ["date", "weight", "city"]),
        entity("automotive", "service appointment", "service appointments", ["date", "time", fuel]),
        entity("automotive", "tire order", "tire orders", ["quantity", size, "max_price"]),
        entity("automotive", "parking permit", "parking permits", ["city", "start_date", "days"]),
        entity("automotive", "charging session", "charging sessions", ["city", "duration_minutes", "amount"]),
        entity("logistics", "freight shipment", "freight shipments", ["country", "weight", "due_date"]),
        entity("logistics", "warehouse slot", "warehouse slots", ["city", "capacity", "window"]),
        entity("logistics", "customs declaration", "customs declarations", ["country", "amount", status]),
        entity("logistics", "courier pickup", "courier pickups", ["city", "date", "time"]),
        entity("it support", "support ticket", "support tickets", ["assignee", urgency, status]),
        entity("it support", "laptop loan", "laptop loans", ["owner", "due_date", "product"]),
        entity("it support", "software license", "software licenses", ["vendor", "quantity", "due_date"]),
        entity("it support", "password reset", "password resets", ["owner", channel, "time"]),
        entity("cloud", "virtual machine", "virtual machines", ["country", size, "days"]),
        entity("cloud", "storage bucket", "storage buckets", ["country", "owner", "tags"]),
        entity("cloud", "backup job", "backup jobs", ["time", "days", status]),
        entity("cloud", "usage alert", "usage alerts", ["amount", "currency", channel]),
        entity("human resources", "job posting", "job postings", ["city", "title", level]),
        entity("human resources", "interview slot", "interview slots", ["date", "time", mode]),
        entity("human resources", "leave request", "leave requests", ["assignee", "start_date", "days"]),
        entity("human resources", "training budget", "training budgets", ["amount", "year", "manager"]),
        entity("project management", "milestone", "milestones", ["title", "due_date", "assignee"]),
        entity("project management", "work item", "work items", ["assignee", urgency, "tags"]),
        entity("project management", "status meeting", "status meetings", ["date", "time", "participants"]),
        entity("project management", "risk entry", "risk entries", ["title", "manager", status]),
        entity("marketing", "ad campaign", "ad campaigns", ["budget", "country", "window"]),
        entity("marketing", "newsletter issue", "newsletter issues", ["subject", "date", "language"]),
        entity("marketing", "survey", "surveys", ["topic", "language", "due_date"]),
        entity("marketing", "promo code", "promo codes", ["discount", "code", "due_date"]),
        entity("charity", "donation", "donations", ["amount", "currency", "country"]),
        entity("charity", "volunteer shift", "volunteer shifts", ["city", "date", "time"]),
        entity("charity", "fundraiser", "fundraisers", ["title", "budget", "due_date"]),
        entity("charity", "sponsorship", "sponsorships", ["owner", "amount", "country"]),
        entity("government", "passport application", "passport applications", ["country", "date", urgency]),
        entity("government", "permit application", "permit applications", ["city", "start_date", status]),
        entity("government", "tax refund", "tax refunds", ["year", "amount", status]),
        entity("government", "voter registration", "voter registrations", ["city", "owner", "date"]),
        entity("laundry", "laundry pickup", "laundry pickups", ["date", "time", "weight"]),
        entity("laundry", "dry cleaning order", "dry cleaning orders", ["quantity", "due_date", "color"]),
        entity("laundry", "alteration job", "alteration jobs", [size, "due_date", "amount"]),
        entity("laundry", "washer reservation", "washer reservations", ["floor", "time", "duration_minutes"]),
        entity("coworking", "desk booking", "desk bookings", ["city", "date", "floor"]),
        entity("coworking", "meeting room", "meeting rooms", ["capacity", "floor", "time", "location"]),
        entity("coworking", "mailbox rental", "mailbox rentals", ["city", "days", tier]),
        entity("coworking", "event space", "event spaces", ["capacity", "date", "max_price"]),
        entity("photography", "photo print order", "photo print orders", ["quantity", size, "due_date"]),
        entity("photography", "camera repair", "camera repairs", ["product", "amount", status]),
        entity("photography", "photo shoot", "photo shoots", ["city", "date", "duration_minutes", "participants"]),
        entity("photography", "photo album", "photo albums", ["title", "year", "tags"]),
    ]

    /// Questions no function of the catalog answers, for irrelevance tasks; none of them is a
    /// BFCL question (WorldEntityCatalogTests checks).
    public static func smallTalk(_ split: WorldSplit) -> [(text: String, topic: String)] {
        switch split {
        case .train:
            [("Tell me something funny about penguins.", "a joke"), ("Who wrote the novel Don Quixote?", "a literature fact"),
             ("What is the capital city of Mongolia?", "a geography fact"), ("How has your morning been going?", "small talk"),
             ("Explain how rainbows form in two sentences.", "a physics explanation"), ("Write a limerick about a cat.", "a poem"),
             ("Why do leaves change color in autumn?", "a biology question"), ("Suggest a board game for four players.", "a recommendation"),
             ("How deep is the Mariana Trench?", "a geography fact"), ("What does the abbreviation NASA stand for?", "an abbreviation"),
             ("Summarize the plot of Romeo and Juliet.", "a literature summary"), ("What rhymes with orange?", "a word puzzle"),
             ("Is a tomato a fruit or a vegetable?", "a botany question"), ("Translate good night into Italian.", "a translation"),
             ("What year did the Berlin Wall fall?", "a history fact"), ("Give me a tongue twister.", "a tongue twister"),
             ("How many legs does a spider have?", "a biology fact"), ("What is the boiling point of water at sea level?", "a physics fact"),
             ("Describe the taste of a mango.", "a description"), ("Name three famous impressionist painters.", "an art question")]
        case .heldout:
            [("Hum me a little tune.", "a song"), ("Who sculpted the statue of David?", "an art fact"),
             ("How far away is the Moon?", "an astronomy fact"), ("Tell me a riddle about time.", "a riddle"),
             ("What is the longest river in Africa?", "a geography fact"), ("Write two lines about the sea.", "a poem"),
             ("Why do cats purr?", "a biology question"), ("Which planet has the most moons?", "an astronomy question")]
        }
    }
}

/// A library field by its key, so the catalog's table reads `["author", "due_date", status]`.
extension WorldAttribute: ExpressibleByStringLiteral {
    public init(stringLiteral key: String) {
        self = WorldEntityCatalog.field(key)
    }
}
