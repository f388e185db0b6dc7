"""Writes the xLAM fixtures of XLAMDatasetTests.

Records follow the format documented on the dataset card of Salesforce/xlam-function-calling-60k
(and xlam-irrelevance-7.5k for an empty answer): {"id": int, "query": str, "tools": str,
"answers": str}, with `tools` and `answers` JSON strings, parameter types in Python spelling
("str", "List[int]", "Optional[...]", "str, optional", "int, default=5") and defaults in
"default". Run from anywhere: python3 make_xlam_fixtures.py
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def p(type_, description, **extra):
    d = {"description": description, "type": type_}
    d.update(extra)
    return d


def record(id_, query, tools, answers):
    return {"id": id_, "query": query, "tools": json.dumps(tools), "answers": json.dumps(answers)}


GIVEAWAYS = {"name": "live_giveaways_by_type", "description": "Retrieve live giveaways from the GamerPower API based on the specified type.",
             "parameters": {"type": p("str", "The type of giveaways to retrieve (e.g., game, loot, beta).", default="game")}}
IS_PRIME = {"name": "is_prime", "description": "Checks if a number is prime.", "parameters": {"num": p("int", "The number to be checked.")}}
FIBONACCI = {"name": "fibonacci", "description": "Calculates the nth Fibonacci number.", "parameters": {"n": p("int", "The position in the Fibonacci sequence.")}}
INTEGRATE = {"name": "integrate", "description": "Numerically integrates a function.",
             "parameters": {"func": p("Callable[[float], float]", "The function to integrate."),
                            "a": p("float", "Lower limit."), "b": p("float", "Upper limit.")}}
DISTANCE = {"name": "calculate_distance", "description": "Calculates the Euclidean distance between two points in n-dimensional space.",
            "parameters": {"point1": p("List[float]", "The coordinates of the first point."),
                           "point2": p("List[float]", "The coordinates of the second point.")}}
STOCK = {"name": "get_stock_price", "description": "Fetches the latest price of a stock.", "parameters": {"symbol": p("str", "Ticker symbol.")}}
CONVERT = {"name": "convert_currency", "description": "Converts an amount between currencies.",
           "parameters": {"amount": p("float", "The amount to convert."), "from_currency": p("str", "Source currency code."),
                          "to_currency": p("str, optional", "Target currency code. Defaults to 'USD'.", default="USD")}}
HOTELS = {"name": "search_hotels", "description": "Searches hotels in a city.",
          "parameters": {"city": p("str", "City name."),
                         "filters": p("Optional[Dict[str, Any]]", "Extra filters such as stars or pool."),
                         "include_reviews": p("bool, optional", "Whether to include reviews.", default=False),
                         "max_results": p("int, default=10", "How many results.", default=10)}}
MATRIX = {"name": "matrix_multiply", "description": "Multiplies two matrices.",
          "parameters": {"matrix_a": p("List[List[int]]", "The first matrix."), "matrix_b": p("List[List[int]]", "The second matrix.")}}
NEAREST = {"name": "find_nearest", "description": "Finds the nearest stations to a point.",
           "parameters": {"origin": p("Tuple[float, float]", "Latitude and longitude."),
                          "exclude": p("Set[int], optional", "Station ids to skip.", default=""),
                          "radius": p("Union[int, float]", "Search radius in km.")}}
ORDERS = {"name": "create_orders", "description": "Creates orders.",
          "parameters": {"items": p("List[Dict[str, Any]]", "The items, each with sku and qty."),
                         "tags": p("list[str]", "Order tags."), "quantities": p("List[int]", "Quantities.")}}
WEATHER = {"name": "get_weather", "description": "Current weather in a city.", "parameters": {"city": p("str", "City name.")}}
USER = {"name": "get_user", "description": "Fetches a user.", "parameters": {"user_id": p("int", "The user id.")}}
AREA = {"name": "circle_area", "description": "Area of a circle.", "parameters": {"radius": p("float", "The radius.")}}


def call(name, **arguments):
    return {"name": name, "arguments": arguments}


GOOD = [
    record(0, "Where can I find live giveaways for beta access?", [GIVEAWAYS], [call("live_giveaways_by_type", type="beta")]),
    record(1, "Is 17 a prime number?", [IS_PRIME, FIBONACCI, INTEGRATE], [call("is_prime", num=17)]),
    record(2, "What is the distance between (1.0, 2.0) and (4.0, 6.0), and between (0.5, 0.5, 0.5) and (1.5, 1.5, 1.5)?", [DISTANCE],
           [call("calculate_distance", point1=[1.0, 2.0], point2=[4.0, 6.0]),
            call("calculate_distance", point1=[0.5, 0.5, 0.5], point2=[1.5, 1.5, 1.5])]),
    record(3, "Get the price of AAPL and convert 100.5 EUR to dollars.", [STOCK, CONVERT],
           [call("get_stock_price", symbol="AAPL"), call("convert_currency", amount=100.5, from_currency="EUR")]),
    record(4, "Find hotels in Paris with 4 stars and a pool.", [HOTELS],
           [call("search_hotels", city="Paris", filters={"stars": 4, "pool": True})]),
    record(5, "Multiply [[1, 2], [3, 4]] by [[5, 6], [7, 8]].", [MATRIX],
           [call("matrix_multiply", matrix_a=[[1, 2], [3, 4]], matrix_b=[[5, 6], [7, 8]])]),
    record(6, "Which stations are within 10 km of 1.5, 2.5?", [NEAREST], [call("find_nearest", origin=[1.5, 2.5], radius=10)]),
    record(7, "Order two of A1 tagged gift.", [ORDERS],
           [call("create_orders", items=[{"sku": "A1", "qty": 2}], tags=["gift"], quantities=[2])]),
    record(8, "Who won the 2019 NCAA Final Four?", [WEATHER], []),
]
# Records that parse but that stage 1 drops or repairs.
FILTERED = [
    record(9, "Fetch the user.", [USER], [call("get_user")]),                                        # drop:required-missing
    record(10, "Fetch user 5 verbosely.", [USER], [call("get_user", user_id=5, verbose=True)]),      # drop:unknown-parameter
    record(11, "Fetch user 5.", [USER], [call("get_user", user_id="5")]),                            # drop:wrong-type
    record(12, "Area of a circle of radius 3?", [AREA], [call("circle_area", radius=3)]),            # repair:integer-for-float
]


def write(name, text):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write(text)


def lines(records, end="\n"):
    return "".join(json.dumps(r) + end for r in records)


write("xlam-mixed.jsonl", lines(GOOD + FILTERED))
write("xlam-crlf.jsonl", lines(GOOD[:3], end="\r\n"))
write("xlam-array.json", json.dumps(GOOD[:3], indent=4) + "\n")

# One file per malformed class: a good first record, then the bad one on line 2.
first = json.dumps(GOOD[0]) + "\n"
bad = {
    "xlam-bad-json.jsonl": json.dumps(GOOD[1])[:-20] + "\n",
    "xlam-bad-tools-not-string.jsonl": json.dumps(dict(GOOD[1], tools=json.loads(GOOD[1]["tools"]))) + "\n",
    "xlam-bad-tools-json.jsonl": json.dumps(dict(GOOD[1], tools=GOOD[1]["tools"][:-2])) + "\n",
    "xlam-bad-answers-json.jsonl": json.dumps(dict(GOOD[1], answers="[{\"name\": \"is_prime\", \"arguments\": {\"num\": 17}")) + "\n",
    "xlam-bad-missing-field.jsonl": json.dumps({k: v for k, v in GOOD[1].items() if k != "answers"}) + "\n",
    "xlam-bad-type.jsonl": json.dumps(record(1, "Read the file.", [{"name": "read", "description": "Reads a file.",
                                                                   "parameters": {"path": p("Path", "The file.")}}],
                                             [call("read", path="a.txt")])) + "\n",
    "xlam-bad-unknown-function.jsonl": json.dumps(record(1, "Is 17 prime?", [FIBONACCI], [call("is_prime", num=17)])) + "\n",
}
for name, line in bad.items():
    write(name, first + line)
write("xlam-bad-array.json", json.dumps([GOOD[0], dict(GOOD[1], answers=5)], indent=4) + "\n")
