/// Generates run names of the form `<adjective>-<animal>-<0...999>`, as MLflow does.
public enum RunNameGenerator {
    static let adjectives = [
        "abundant", "agreeable", "amazing", "auspicious", "awesome", "bedecked", "blushing", "bold",
        "brawny", "bright", "burly", "capable", "carefree", "caring", "casual", "charming", "classy",
        "clean", "colorful", "crawling", "dapper", "dashing", "debonair", "delicate", "enchanting",
        "entertaining", "fearless", "gentle", "gifted", "glamorous", "grandiose", "hilarious",
        "honorable", "illustrious", "indecisive", "industrious", "intelligent", "judicious", "kindly",
        "languid", "learned", "legendary", "likeable", "loud", "luminous", "luxuriant", "magnificent",
        "marvelous", "masked", "melodic", "merciful", "mercurial", "monumental", "mysterious",
        "nebulous", "nervous", "nimble", "omniscient", "orderly", "overjoyed", "peaceful", "painted",
        "persistent", "placid", "polite", "popular", "powerful", "puzzled", "rambunctious", "rare",
        "rebellious", "respected", "resilient", "righteous", "rumbling", "salty", "sassy", "secretive",
        "selective", "sedate", "serious", "shivering", "skillful", "sincere", "skittish", "silent",
        "smiling", "sneaky", "sophisticated", "spiffy", "stately", "suave", "stylish", "tasteful",
        "thoughtful", "thundering", "traveling", "treasured", "trusting", "unequaled", "upbeat",
        "unique", "unleashed", "useful", "upset", "valuable", "vaunted", "victorious", "welcoming",
        "whimsical", "wistful", "wise", "worried", "youthful", "zealous",
    ]
    static let animals = [
        "ant", "ape", "asp", "auk", "bass", "bat", "bear", "bee", "bird", "boar", "bug", "calf", "carp",
        "cat", "chimp", "cod", "colt", "conch", "cow", "crab", "crane", "croc", "crow", "cub", "deer",
        "doe", "dog", "dolphin", "donkey", "dove", "duck", "eel", "elk", "fawn", "finch", "fish", "flea",
        "fly", "foal", "fowl", "fox", "frog", "gnat", "gnu", "goat", "goose", "grouse", "grub", "gull",
        "hare", "hawk", "hen", "hog", "horse", "hound", "jay", "kit", "kite", "koi", "lamb", "lark",
        "loon", "lynx", "mare", "midge", "mink", "mole", "moose", "moth", "mouse", "mule", "newt", "owl",
        "ox", "panda", "penguin", "perch", "pig", "pug", "quail", "ram", "rat", "ray", "robin", "roo",
        "rook", "seal", "shad", "shark", "sheep", "shoat", "shrew", "shrike", "shrimp", "skink", "skunk",
        "sloth", "slug", "smelt", "snail", "snake", "snipe", "sow", "sponge", "squid", "squirrel",
        "stag", "steed", "stoat", "stork", "swan", "tern", "toad", "trout", "turtle", "vole", "wasp",
        "whale", "wolf", "worm", "wren", "yak", "zebra",
    ]

    /// A new random name.
    public static func make<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let adjective = adjectives.randomElement(using: &generator)!
        let animal = animals.randomElement(using: &generator)!
        return "\(adjective)-\(animal)-\(Int.random(in: 0..<1000, using: &generator))"
    }

    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }
}
