"""The demo shop's range: a Hamburg shop for clothing, books, coffee, electronics and household
goods, with a few downloads and one service. Prices are gross (the shop sells to consumers)."""

from dataclasses import dataclass
from decimal import Decimal

from .checkdigits import ean13

# A GS1 Germany company prefix (426...) that the demo pretends to own, and a German ISBN group.
EAN_PREFIX = "4262417"
ISBN_PREFIX = "978394"


@dataclass(frozen=True)
class DemoArticle:
    sku: str
    name: str
    price: str
    kind: str = "physical"
    vat_class: str = "standard"
    weight_grams: int = 0
    popularity: int = 10  # relative weight when orders pick articles
    stock: str = "normal"  # "normal", "low" (a handful) or "zero" (never received): backorders happen
    product_category: str = ""  # the rate abroad (OSS): books, e-books, food

    @property
    def price_gross(self) -> Decimal:
        return Decimal(self.price)


def _clothing() -> list[DemoArticle]:
    shirt = "T-Shirt Bio-Baumwolle, marine, Gr. {}"
    return [
        *(DemoArticle(f"TS-BIO-{size}", shirt.format(size), "24.90", weight_grams=180, popularity=pop)
          for size, pop in (("S", 8), ("M", 14), ("L", 14), ("XL", 8))),
        DemoArticle("HD-ELBE-M", "Kapuzenpullover „Elbe“, anthrazit, Gr. M", "59.90", weight_grams=520, popularity=9),
        DemoArticle("HD-ELBE-L", "Kapuzenpullover „Elbe“, anthrazit, Gr. L", "59.90", weight_grams=540, popularity=9,
                    stock="low"),
        DemoArticle("JK-FRIESE-M", "Regenjacke „Friesennerz“, gelb, Gr. M", "89.00", weight_grams=650, popularity=6),
        DemoArticle("JK-FRIESE-L", "Regenjacke „Friesennerz“, gelb, Gr. L", "89.00", weight_grams=680, popularity=6,
                    stock="zero"),
        DemoArticle("MU-MERINO", "Strickmütze Merino, dunkelblau", "19.90", weight_grams=90, popularity=8),
        DemoArticle("SO-3ER-39", "Socken 3er-Pack, Gr. 39–42", "12.95", weight_grams=150, popularity=10),
        DemoArticle("SO-3ER-43", "Socken 3er-Pack, Gr. 43–46", "12.95", weight_grams=160, popularity=10),
        DemoArticle("HE-LEINEN-M", "Leinenhemd, weiß, Gr. M", "49.90", weight_grams=260, popularity=5),
        DemoArticle("SC-WOLLE", "Wollschal, grau meliert", "34.90", weight_grams=220, popularity=6),
        DemoArticle("TA-JUTE", "Jutebeutel „Hamburg“", "9.90", weight_grams=110, popularity=9),
        DemoArticle("SCHIRM-STOCK", "Stockschirm, windfest, schwarz", "24.90", weight_grams=480, popularity=4),
    ]


def _books() -> list[DemoArticle]:
    books = [
        ("BU-SPEICHER", "Speicherstadt. Eine Hamburger Geschichte (gebunden)", "24.00", 620, 7, "normal"),
        ("BU-KUESTE", "Norddeutsch kochen – 100 Rezepte von der Küste", "28.00", 900, 8, "normal"),
        ("BU-ALSTER", "Segeln lernen auf der Alster", "19.95", 410, 3, "normal"),
        ("BU-KAFFEE", "Das kleine Buch vom Kaffee", "14.00", 250, 6, "normal"),
        ("BU-PLATT", "Plattdeutsch für Anfänger", "12.00", 220, 4, "normal"),
        ("BU-NEBEL", "Nebel über Blankenese. Ein Hamburg-Krimi (Taschenbuch)", "13.00", 310, 9, "normal"),
        ("BU-NORDSEE", "Nordsee. Ein Bildband", "39.90", 1450, 3, "zero"),
        ("BU-KRABBE", "Kalle Krabbe fährt zur See (Kinderbuch)", "16.00", 380, 5, "normal"),
    ]
    return [DemoArticle(sku, name, price, vat_class="reduced", weight_grams=weight, popularity=pop, stock=stock,
                        product_category="books_printed")
            for sku, name, price, weight, pop, stock in books]


def _food() -> list[DemoArticle]:
    food = [
        ("KF-HANSE-500", "Kaffee „Hanseatische Röstung“, ganze Bohne, 500 g", "14.90", 520, 22, "normal"),
        ("KF-HANSE-1000", "Kaffee „Hanseatische Röstung“, ganze Bohne, 1 kg", "26.90", 1030, 12, "normal"),
        ("KF-ESPRESSO-500", "Espresso „Hafenkante“, ganze Bohne, 500 g", "16.50", 520, 14, "low"),
        ("KF-ENTKOFF-250", "Kaffee entkoffeiniert, gemahlen, 250 g", "8.90", 260, 5, "normal"),
        ("TE-OSTFRIES-250", "Ostfriesentee Blattmischung, 250 g", "7.95", 270, 10, "normal"),
        ("SU-KLUNTJE-500", "Kluntjes (weißer Kandis), 500 g", "4.50", 510, 6, "normal"),
        ("MZ-BROT-200", "Marzipanbrot, 200 g", "6.95", 210, 7, "normal"),
        ("SCHOKO-70", "Zartbitterschokolade 70 %, 100 g", "3.49", 110, 9, "normal"),
    ]
    return [DemoArticle(sku, name, price, vat_class="reduced", weight_grams=weight, popularity=pop, stock=stock,
                        product_category="food")
            for sku, name, price, weight, pop, stock in food]


def _electronics_and_household() -> list[DemoArticle]:
    return [
        DemoArticle("EL-NETZTEIL-65", "USB-C-Netzteil 65 W", "34.99", weight_grams=180, popularity=7),
        DemoArticle("EL-KABEL-C2", "USB-C-Kabel 2 m, geflochten", "12.99", weight_grams=60, popularity=10),
        DemoArticle("EL-POWERBANK", "Powerbank 10.000 mAh", "29.99", weight_grams=230, popularity=6),
        DemoArticle("EL-KOPFHOERER", "Bluetooth-Kopfhörer, Over-Ear, mit Geräuschunterdrückung", "149.00",
                    weight_grams=310, popularity=5, stock="low"),
        DemoArticle("EL-LAUTSPRECHER", "Bluetooth-Lautsprecher „Möwe“", "49.90", weight_grams=340, popularity=5),
        DemoArticle("EL-HDMI-2", "HDMI-Kabel 2 m", "9.99", weight_grams=90, popularity=6),
        DemoArticle("EL-TASTATUR", "Funktastatur, deutsches Layout", "39.90", weight_grams=560, popularity=4),
        DemoArticle("EL-LEUCHTE", "LED-Schreibtischleuchte, dimmbar", "44.90", weight_grams=900, popularity=4,
                    stock="zero"),
        DemoArticle("HH-BECHER", "Emaille-Becher „Kontor“, 350 ml", "14.90", weight_grams=200, popularity=9),
        DemoArticle("HH-THERMO", "Thermoskanne Edelstahl, 1 l", "32.90", weight_grams=640, popularity=5),
        DemoArticle("HH-BRETT", "Frühstücksbrett Buche", "11.90", weight_grams=300, popularity=4),
        DemoArticle("HH-FILTER", "Porzellan-Kaffeefilter Größe 2", "19.90", weight_grams=420, popularity=6),
        DemoArticle("HH-MUEHLE", "Kaffeemühle mit Keramikmahlwerk, Handbetrieb", "54.90", weight_grams=700,
                    popularity=6, stock="low"),
    ]


def _digital_and_services() -> list[DemoArticle]:
    # E-books are taxed like printed books (7 %) since 18.12.2019; software at the standard rate.
    return [
        DemoArticle("EB-SPEICHER", "E-Book: Speicherstadt. Eine Hamburger Geschichte (EPUB)", "17.99",
                    kind="digital", vat_class="reduced", popularity=4, product_category="ebooks"),
        DemoArticle("EB-KUESTE", "E-Book: Norddeutsch kochen (EPUB)", "19.99", kind="digital", vat_class="reduced",
                    popularity=4, product_category="ebooks"),
        DemoArticle("EB-NEBEL", "E-Book: Nebel über Blankenese (EPUB)", "8.99", kind="digital",
                    vat_class="reduced", popularity=6, product_category="ebooks"),
        DemoArticle("SW-KASSENKLAR", "Software-Lizenz „KassenKlar“, 1 Jahr", "79.00", kind="digital",
                    popularity=3),
        DemoArticle("SW-LICHTKONTOR", "Software-Lizenz Fotobearbeitung „Lichtkontor“, 1 Gerät", "49.00",
                    kind="digital", popularity=3),
        DemoArticle("SV-GESCHENK", "Geschenkverpackung", "3.90", kind="service", popularity=0),
    ]


GIFT_WRAP_SKU = "SV-GESCHENK"


def demo_articles() -> list[DemoArticle]:
    return [*_clothing(), *_books(), *_food(), *_electronics_and_household(), *_digital_and_services()]


def gtin_for(article: DemoArticle, index: int) -> str:
    """Physical articles carry a GTIN with a valid check digit (books: their ISBN-13)."""
    if article.kind != "physical":
        return ""
    if article.sku.startswith("BU-"):
        return ean13(f"{ISBN_PREFIX}{index * 37 % 1000:03d}{index % 1000:03d}")
    return ean13(f"{EAN_PREFIX}{index:05d}")
