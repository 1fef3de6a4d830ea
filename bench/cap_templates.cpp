// Wording modelled on the public warnings of NWS, Environment Canada, DWD, MeteoSwiss, Brazil's
// Defesa Civil and NSW RFS; none is copied from a single message.
#include "cap_templates.h"

namespace capcast::bench {

const Hazard kHazardTable[kHazards] = {
    {"Met", nullptr, "SVR", "thunderstorm", "Shelter", "Immediate", "Severe", "Likely", false},
    {"Met", nullptr, "FLW", "flood", "Avoid", "Expected", "Moderate", "Likely", false},
    {"Met", nullptr, "HWW", "wind", "Prepare", "Expected", "Moderate", "Likely", false},
    {"Met", "Health", "EHW", "heat", "Prepare", "Expected", "Severe", "Likely", false},
    {"Met", nullptr, "WSW", "snowfall", "Prepare", "Expected", "Severe", "Likely", false},
    {"Fire", nullptr, "FRW", "wildfire", "Evacuate", "Immediate", "Extreme", "Observed", false},
    {"Geo", nullptr, "EQW", "earthquake", "Assess", "Past", "Moderate", "Observed", true},
};

const LanguageText kLanguageText[kLanguages] = {
    {"for",
     {{"Severe Thunderstorm Warning",
       {"A severe thunderstorm capable of producing hail up to golf ball size and damaging winds "
        "in excess of 60 mph was located near %P, moving east at 35 mph.",
        "Hail damage to vehicles is expected. Expect wind damage to roofs, siding, and trees.",
        "Frequent cloud-to-ground lightning is occurring with this storm."},
       "For your protection move to an interior room on the lowest floor of a building. Stay "
       "away from windows."},
      {"Flood Warning",
       {"The river near %P is expected to rise above flood stage by this evening and crest near "
        "18.5 feet tomorrow morning.",
        "Flooding of low-lying roads, parks & farmland along the river is expected.",
        "Rainfall totals of 2 to 4 inches have fallen over the upstream basin in the last 24 "
        "hours."},
       "Turn around, don't drown when encountering flooded roads. Most flood deaths occur in "
       "vehicles."},
      {"High Wind Warning",
       {"West winds 40 to 50 mph with gusts up to 75 mph are expected in %P.",
        "Damaging winds will blow down trees and power lines. Widespread power outages are "
        "expected.",
        "Travel will be difficult, especially for high profile vehicles."},
       "Remain in the lower levels of your home during the windstorm. Avoid windows. Use caution "
       "if you must drive."},
      {"Excessive Heat Warning",
       {"Dangerously hot conditions with afternoon temperatures up to 112 degrees are expected in "
        "%P.",
        "Overnight lows will only fall into the upper 80s, giving little relief from the heat.",
        "Extreme heat will significantly increase the potential for heat related illnesses, "
        "particularly for those working or participating in outdoor activities."},
       "Drink plenty of fluids, stay in an air-conditioned room, stay out of the sun, and check "
       "up on relatives and neighbors."},
      {"Winter Storm Warning",
       {"Heavy snow is expected in %P. Total snow accumulations of 8 to 14 inches, with "
        "localized amounts up to 18 inches.",
        "Winds gusting as high as 45 mph will cause blowing and drifting snow and reduced "
        "visibility.",
        "Travel could be very difficult to impossible. The hazardous conditions could impact the "
        "morning and evening commutes."},
       "If you must travel, keep an extra flashlight, food, and water in your vehicle in case of "
       "an emergency."},
      {"Fire Warning",
       {"A fast-moving wildfire is burning near %P and is spreading towards homes under strong "
        "northwesterly winds.",
        "Spot fires are occurring up to 2 km ahead of the main fire front. Roads in the area may "
        "be closed without notice.",
        "Firefighters & aircraft are working to contain the fire, but conditions are too "
        "dangerous for them to protect every property."},
       "Leave now if the path is clear. If you cannot leave, shelter in a solid building away "
       "from the fire front."},
      {"Earthquake",
       {"A magnitude 5.8 earthquake occurred at a depth of 10 km, 12 km north of %P.",
        "Moderate to strong shaking was reported across the area. Aftershocks are likely in the "
        "coming days.",
        "There is no tsunami threat from this earthquake."},
       "Check for injuries and damage. Be prepared for aftershocks: drop, cover and hold on."}},
     {"This warning will be updated as new information becomes available.",
      "Listen to local radio, television or official social media for the latest information.",
      "Report severe weather to the local emergency management agency when you can do so safely.",
      "Information about conditions in the warned area is available from the issuing office at "
      "any time."}},
    {"para",
     {{"Aviso de tormenta eléctrica severa",
       {"Una tormenta eléctrica severa capaz de producir granizo del tamaño de una pelota de golf "
        "y vientos dañinos de más de 95 km/h se encontraba cerca de %P, moviéndose hacia el este.",
        "Se esperan daños a vehículos por el granizo y daños por viento en techos, revestimientos "
        "y árboles.",
        "Esta tormenta está produciendo rayos frecuentes de nube a tierra."},
       "Para su protección, muévase a una habitación interior en el piso más bajo de un edificio. "
       "Aléjese de las ventanas."},
      {"Aviso de inundación",
       {"Se espera que el río cerca de %P supere la etapa de inundación esta noche y alcance su "
        "nivel máximo mañana por la mañana.",
        "Se esperan inundaciones en carreteras bajas, parques y tierras de cultivo a lo largo del "
        "río.",
        "En las últimas 24 horas han caído entre 50 y 100 milímetros de lluvia en la cuenca alta."},
       "Dé la vuelta, no se ahogue: no conduzca por carreteras inundadas."},
      {"Aviso de vientos fuertes",
       {"Se esperan vientos del oeste de 65 a 80 km/h con ráfagas de hasta 120 km/h en %P.",
        "Los vientos dañinos derribarán árboles y líneas eléctricas. Se esperan cortes de "
        "electricidad generalizados.",
        "Viajar será difícil, especialmente para vehículos altos."},
       "Permanezca en los niveles inferiores de su casa durante la tormenta de viento y aléjese "
       "de las ventanas."},
      {"Aviso de calor excesivo",
       {"Se esperan condiciones peligrosamente calurosas con temperaturas de hasta 44 grados en "
        "%P.",
        "Las temperaturas nocturnas solo bajarán a unos 30 grados, con poco alivio del calor.",
        "El calor extremo aumentará significativamente el riesgo de enfermedades relacionadas con "
        "el calor."},
       "Beba muchos líquidos, permanezca en una habitación con aire acondicionado, manténgase "
       "fuera del sol y visite a sus familiares y vecinos."},
      {"Aviso de tormenta invernal",
       {"Se espera nieve intensa en %P, con acumulaciones totales de 20 a 35 centímetros.",
        "Ráfagas de viento de hasta 70 km/h provocarán ventisca y visibilidad reducida.",
        "Viajar podría ser muy difícil o imposible."},
       "Si debe viajar, lleve una linterna, comida y agua adicionales en su vehículo."},
      {"Aviso de incendio",
       {"Un incendio forestal de rápido avance arde cerca de %P y se propaga hacia las viviendas "
        "con fuertes vientos del noroeste.",
        "Se producen focos secundarios hasta 2 km por delante del frente principal. Las "
        "carreteras pueden cerrarse sin previo aviso.",
        "Los bomberos y los medios aéreos trabajan para contener el incendio."},
       "Salga ahora si el camino está despejado. Si no puede salir, refúgiese en un edificio "
       "sólido lejos del frente del fuego."},
      {"Terremoto",
       {"Un terremoto de magnitud 5,8 ocurrió a una profundidad de 10 km, 12 km al norte de %P.",
        "Se reportó un movimiento moderado a fuerte en toda la zona. Es probable que haya "
        "réplicas en los próximos días.",
        "No hay amenaza de tsunami por este terremoto."},
       "Revise si hay heridos y daños. Prepárese para las réplicas: agáchese, cúbrase y "
       "sujétese."}},
     {"Este aviso se actualizará a medida que haya nueva información disponible.",
      "Escuche la radio, la televisión o las redes sociales oficiales para obtener la información "
      "más reciente.",
      "Informe del tiempo severo a la agencia local de gestión de emergencias cuando pueda "
      "hacerlo con seguridad.",
      "La oficina emisora ofrece información sobre las condiciones en la zona afectada en todo "
      "momento."}},
    {"pour",
     {{"Avertissement d'orage violent",
       {"Un orage violent pouvant donner de la grêle de la taille d'une balle de golf et des "
        "rafales de plus de 90 km/h se trouvait près de %P et se déplaçait vers l'est.",
        "La grêle pourrait endommager les véhicules; le vent pourrait endommager les toitures, "
        "les revêtements et les arbres.",
        "Cet orage s'accompagne de fréquents éclairs nuage-sol."},
       "Pour votre protection, rendez-vous dans une pièce intérieure au plus bas étage d'un "
       "bâtiment. Éloignez-vous des fenêtres."},
      {"Avertissement d'inondation",
       {"La rivière près de %P devrait dépasser le seuil d'inondation ce soir et atteindre son "
        "niveau maximal demain matin.",
        "Des inondations sont prévues sur les routes basses, dans les parcs et les terres "
        "agricoles le long de la rivière.",
        "De 50 à 100 millimètres de pluie sont tombés sur le bassin en amont au cours des "
        "dernières 24 heures."},
       "Ne vous engagez jamais sur une route inondée : la plupart des décès liés aux inondations "
       "surviennent dans des véhicules."},
      {"Avertissement de vents violents",
       {"Des vents d'ouest de 60 à 80 km/h avec des rafales jusqu'à 120 km/h sont prévus à %P.",
        "Les vents pourraient abattre des arbres et des lignes électriques. Des pannes de courant "
        "sont à prévoir.",
        "Les déplacements seront difficiles, en particulier pour les véhicules hauts."},
       "Restez aux étages inférieurs de votre domicile pendant la tempête et éloignez-vous des "
       "fenêtres."},
      {"Avertissement de chaleur extrême",
       {"Des conditions de chaleur dangereuse avec des températures jusqu'à 40 °C sont prévues à "
        "%P.",
        "Les températures nocturnes ne descendront qu'autour de 25 °C, ce qui offrira peu de "
        "répit.",
        "La chaleur extrême augmente fortement le risque de malaises liés à la chaleur."},
       "Buvez beaucoup d'eau, restez dans un endroit climatisé, évitez le soleil et prenez des "
       "nouvelles de vos proches et voisins."},
      {"Avertissement de tempête hivernale",
       {"De fortes chutes de neige sont prévues à %P, avec des accumulations totales de 20 à 35 "
        "centimètres.",
        "Des rafales jusqu'à 70 km/h causeront de la poudrerie et une visibilité réduite.",
        "Les déplacements pourraient être très difficiles, voire impossibles."},
       "Si vous devez vous déplacer, gardez une lampe de poche, de la nourriture et de l'eau dans "
       "votre véhicule."},
      {"Alerte feu de forêt",
       {"Un feu de forêt se propage rapidement près de %P en direction des habitations, poussé "
        "par de forts vents du nord-ouest.",
        "Des sautes de feu se produisent jusqu'à 2 km en avant du front principal. Des routes "
        "peuvent être fermées sans préavis.",
        "Les pompiers et les moyens aériens travaillent à contenir l'incendie."},
       "Partez maintenant si la route est dégagée. Sinon, abritez-vous dans un bâtiment solide, "
       "loin du front du feu."},
      {"Séisme",
       {"Un séisme de magnitude 5,8 s'est produit à 10 km de profondeur, à 12 km au nord de %P.",
        "Des secousses modérées à fortes ont été ressenties dans la région. Des répliques sont "
        "probables dans les prochains jours.",
        "Ce séisme ne présente aucun risque de tsunami."},
       "Vérifiez s'il y a des blessés et des dégâts. Préparez-vous aux répliques : baissez-vous, "
       "abritez-vous, agrippez-vous."}},
     {"Cet avertissement sera mis à jour dès que de nouvelles informations seront disponibles.",
      "Écoutez la radio, la télévision ou les réseaux sociaux officiels pour obtenir les "
      "dernières informations.",
      "Signalez le temps violent à l'organisme local de sécurité civile lorsque vous pouvez le "
      "faire sans danger.",
      "Le bureau émetteur fournit en tout temps des renseignements sur les conditions dans la "
      "zone visée."}},
    {"für",
     {{"Unwetterwarnung vor schwerem Gewitter",
       {"Ein schweres Gewitter mit Hagel bis Golfballgröße und Sturmböen über 90 km/h befand "
        "sich bei %P und zog nach Osten.",
        "Hagelschäden an Fahrzeugen sowie Sturmschäden an Dächern, Fassaden und Bäumen sind zu "
        "erwarten.",
        "Das Gewitter bringt häufige Blitze zwischen Wolke und Erde."},
       "Suchen Sie einen Innenraum im untersten Stockwerk eines Gebäudes auf. Halten Sie Abstand "
       "zu Fenstern."},
      {"Hochwasserwarnung",
       {"Der Fluss bei %P wird heute Abend voraussichtlich die Meldestufe 3 überschreiten und "
        "morgen früh seinen Höchststand erreichen.",
        "Überflutungen tief gelegener Straßen, Parks und Felder entlang des Flusses sind zu "
        "erwarten.",
        "Im Einzugsgebiet sind in den letzten 24 Stunden 50 bis 100 Liter pro Quadratmeter "
        "gefallen."},
       "Fahren Sie nicht durch überflutete Straßen. Meiden Sie Uferbereiche & Unterführungen."},
      {"Orkanartige Böen",
       {"Westwind mit 60 bis 80 km/h und Böen bis 120 km/h wird für %P erwartet.",
        "Bäume und Stromleitungen können umstürzen. Großflächige Stromausfälle sind möglich.",
        "Der Verkehr wird behindert, besonders für hohe Fahrzeuge."},
       "Bleiben Sie während des Sturms in den unteren Stockwerken und halten Sie Abstand zu "
       "Fenstern."},
      {"Warnung vor extremer Hitze",
       {"Für %P werden gefährlich hohe Temperaturen bis 40 °C erwartet.",
        "Nachts kühlt es nur auf etwa 25 °C ab, sodass kaum Erholung möglich ist.",
        "Die extreme Hitze erhöht das Risiko hitzebedingter Erkrankungen erheblich."},
       "Trinken Sie ausreichend, halten Sie sich in kühlen Räumen auf, meiden Sie die Sonne und "
       "kümmern Sie sich um Angehörige und Nachbarn."},
      {"Warnung vor starkem Schneefall",
       {"Für %P wird starker Schneefall mit 20 bis 35 Zentimetern Neuschnee erwartet.",
        "Böen bis 70 km/h verursachen Schneeverwehungen und schlechte Sicht.",
        "Der Straßenverkehr kann stark behindert oder unmöglich sein."},
       "Wenn Sie fahren müssen, führen Sie Taschenlampe, Proviant und Wasser im Fahrzeug mit."},
      {"Waldbrandwarnung",
       {"Ein sich schnell ausbreitender Waldbrand bei %P bewegt sich bei starkem Nordwestwind auf "
        "Wohngebiete zu.",
        "Funkenflug entfacht Brände bis zu 2 km vor der Feuerfront. Straßen können ohne "
        "Vorwarnung gesperrt werden.",
        "Feuerwehr und Löschflugzeuge sind im Einsatz."},
       "Verlassen Sie das Gebiet sofort, wenn der Weg frei ist. Andernfalls suchen Sie Schutz in "
       "einem festen Gebäude abseits der Feuerfront."},
      {"Erdbeben",
       {"Ein Erdbeben der Magnitude 5,8 ereignete sich in 10 km Tiefe, 12 km nördlich von %P.",
        "In der Region wurden mäßige bis starke Erschütterungen gemeldet. Nachbeben sind in den "
        "kommenden Tagen wahrscheinlich.",
        "Von diesem Erdbeben geht keine Tsunamigefahr aus."},
       "Prüfen Sie auf Verletzte und Schäden. Rechnen Sie mit Nachbeben: Ducken, Schützen, "
       "Festhalten."}},
     {"Diese Warnung wird aktualisiert, sobald neue Informationen vorliegen.",
      "Verfolgen Sie Radio, Fernsehen oder die offiziellen sozialen Medien für aktuelle "
      "Informationen.",
      "Melden Sie Unwetterschäden der örtlichen Katastrophenschutzbehörde, sobald dies gefahrlos "
      "möglich ist.",
      "Informationen über die Lage im Warngebiet erhalten Sie jederzeit bei der herausgebenden "
      "Stelle."}},
    {"para",
     {{"Alerta de tempestade severa",
       {"Uma tempestade severa capaz de produzir granizo do tamanho de uma bola de golfe e ventos "
        "acima de 90 km/h estava próxima de %P, deslocando-se para leste.",
        "São esperados danos a veículos pelo granizo e danos a telhados, fachadas e árvores pelo "
        "vento.",
        "A tempestade está produzindo raios frequentes entre nuvem e solo."},
       "Para sua proteção, vá para um cômodo interno no andar mais baixo de um edifício. Fique "
       "longe das janelas."},
      {"Alerta de inundação",
       {"O rio próximo a %P deve ultrapassar a cota de inundação esta noite e atingir o pico "
        "amanhã de manhã.",
        "São esperados alagamentos em vias baixas, parques e lavouras ao longo do rio.",
        "Choveu entre 50 e 100 milímetros na bacia a montante nas últimas 24 horas."},
       "Não atravesse ruas alagadas. A maioria das mortes em inundações ocorre dentro de "
       "veículos."},
      {"Alerta de ventos fortes",
       {"São esperados ventos de oeste de 60 a 80 km/h com rajadas de até 120 km/h em %P.",
        "Ventos fortes podem derrubar árvores e redes elétricas. Há risco de falta de energia "
        "generalizada.",
        "O deslocamento será difícil, especialmente para veículos altos."},
       "Permaneça nos andares inferiores da sua casa durante o vendaval e fique longe das "
       "janelas."},
      {"Alerta de calor extremo",
       {"São esperadas temperaturas perigosamente altas, de até 42 °C, em %P.",
        "As mínimas noturnas ficarão em torno de 28 °C, com pouco alívio do calor.",
        "O calor extremo aumenta significativamente o risco de doenças relacionadas ao calor."},
       "Beba bastante água, fique em locais frescos, evite o sol e verifique o estado de "
       "parentes e vizinhos."},
      {"Alerta de tempestade de inverno",
       {"É esperada neve intensa em %P, com acumulados de 20 a 35 centímetros.",
        "Rajadas de até 70 km/h causarão nevascas e visibilidade reduzida.",
        "O deslocamento pode ser muito difícil ou impossível."},
       "Se precisar viajar, leve lanterna, comida e água extras no veículo."},
      {"Alerta de incêndio florestal",
       {"Um incêndio florestal de rápida propagação queima próximo a %P e avança em direção às "
        "casas com fortes ventos de noroeste.",
        "Focos secundários surgem até 2 km à frente da linha de fogo. Estradas podem ser fechadas "
        "sem aviso.",
        "Bombeiros e aeronaves trabalham para conter o incêndio."},
       "Saia agora se o caminho estiver livre. Se não puder sair, abrigue-se em um edifício "
       "sólido longe da frente do fogo."},
      {"Terremoto",
       {"Um terremoto de magnitude 5,8 ocorreu a 10 km de profundidade, 12 km ao norte de %P.",
        "Foram relatados tremores moderados a fortes na região. Réplicas são prováveis nos "
        "próximos dias.",
        "Não há ameaça de tsunami associada a este terremoto."},
       "Verifique se há feridos e danos. Prepare-se para réplicas: abaixe-se, proteja-se e "
       "segure-se."}},
     {"Este alerta será atualizado assim que novas informações estiverem disponíveis.",
      "Acompanhe o rádio, a televisão ou as redes sociais oficiais para as informações mais "
      "recentes.",
      "Informe danos à defesa civil local quando puder fazê-lo com segurança.",
      "O órgão emissor fornece informações sobre as condições na área de alerta a qualquer "
      "momento."}},
};

const Region kRegions[] = {
    {"us-nws",
     30.0,
     46.0,
     -120.0,
     -80.0,
     -360,
     "w-nws.webmaster@noaa.gov",
     "NWS Norman OK",
     "urn:oid:2.49.0.1.840.0.",
     "IPAWSv1.0",
     "",
     2,
     {"en-US", "es-US"},
     {0, 1},
     0x7f,
     "SAME",
     false,
     {{"SAME", "0", 5}, {"UGC", "OKC", 3}},
     {"Cleveland County", "Oklahoma County", "Canadian County", "Logan County", "Grady County",
      "McClain County"},
     "http://www.weather.gov",
     nullptr,
     6,
     {{"AWIPSidentifier", "SVROUN"},
      {"WMOidentifier", "WUUS54 KOUN 121845"},
      {"EAS-ORG", "WXR"},
      {"VTEC", "/O.NEW.KOUN.SV.W.0123.240612T1845Z-240612T1930Z/"},
      {"BLOCKCHANNEL", "NWEM"},
      {"maxHailSize", "1.75"}}},
    {"ca-naads",
     43.0,
     55.0,
     -80.0,
     -64.0,
     -240,
     "cap-pac@canada.ca",
     "Environment Canada",
     "urn:oid:2.49.0.1.124.",
     "profile:CAP-CP:0.4",
     "",
     2,
     {"en-CA", "fr-CA"},
     {0, 2},
     0x3f,
     "profile:CAP-CP:Event:0.4",
     true,
     {{"profile:CAP-CP:Location:0.3", "24", 4}, {"layer:EC-MSC-SMC:1.0:CLC", "0", 5}},
     {"Montréal", "Québec", "Ottawa - Gatineau", "Laval", "Sherbrooke", "Trois-Rivières"},
     "http://weather.gc.ca/warnings/index_e.html",
     "METEO-CANADA",
     4,
     {{"layer:EC-MSC-SMC:1.0:Alert_Type", "warning"},
      {"layer:SOREM:1.0:Broadcast_Immediately", "No"},
      {"layer:EC-MSC-SMC:1.0:Alert_Coverage", "Québec"},
      {"layer:SOREM:2.0:WirelessImmediate", "No"}}},
    {"de-dwd",
     47.5,
     54.5,
     6.0,
     14.5,
     60,
     "opendata@dwd.de",
     "Deutscher Wetterdienst",
     "2.49.0.0.276.0.DWD.PVW.",
     "DVN:2",
     "",
     2,
     {"de-DE", "en-GB"},
     {3, 0},
     0x1f,
     "II",
     true,
     {{"WARNCELLID", "10", 7}, {"EMMA_ID", "DE", 3}},
     {"Kreis Aachen", "Stadt München", "Landkreis Görlitz", "Kreis Nordfriesland", "Stadt Köln",
      "Landkreis Breisgau-Hochschwarzwald"},
     "https://www.wettergefahren.de",
     "Deutscher Wetterdienst",
     3,
     {{"awareness_level", "3; orange; Severe"},
      {"awareness_type", "1; Wind"},
      {"PROFILE_VERSION", "2.1.11"}}},
    {"ch-meteoswiss",
     45.9,
     47.7,
     6.0,
     10.4,
     60,
     "meteoswiss@meteoswiss.ch",
     "MeteoSchweiz",
     "2.49.0.1.756.0.",
     nullptr,
     "",
     3,
     {"de-CH", "fr-CH", "en-GB"},
     {3, 2, 0},
     0x5f,
     "eventType",
     true,
     {{"EMMA_ID", "CH", 3}, {"WARNREGION", "CH", 4}},
     {"Bern", "Zürich", "Genève", "Lausanne", "Luzern", "Sion"},
     "https://www.meteoswiss.admin.ch",
     "MeteoSchweiz",
     2,
     {{"awareness_level", "2; yellow; Moderate"}, {"awareness_type", "3; Thunderstorm"}}},
    {"br-idap",
     -30.0,
     -5.0,
     -55.0,
     -35.0,
     -180,
     "alerta@defesacivil.gov.br",
     "Defesa Civil Nacional",
     "urn:oid:2.49.0.1.76.",
     nullptr,
     "",
     3,
     {"pt-BR", "en-US", "es-ES"},
     {4, 0, 1},
     0x2f,
     "eventType",
     true,
     {{"IBGE", "3", 6}, {"UF", "BR-", 2}},
     {"São Paulo", "Petrópolis", "Blumenau", "Porto Alegre", "Belo Horizonte", "Recife"},
     "https://idapalertas.mdr.gov.br",
     "Defesa Civil 199",
     2,
     {{"gravidade", "Severo"}, {"layer:BR-DC:1.0:channel", "cell-broadcast"}}},
    {"au-nsw-rfs",
     -37.5,
     -28.5,
     141.0,
     153.0,
     600,
     "webmaster@rfs.nsw.gov.au",
     "NSW Rural Fire Service",
     "au.gov.nsw.rfs.",
     "urn:oasis:names:tc:emergency:cap:1.2:profile:CAP-AU:1.0",
     "cap",
     1,
     {"en-AU"},
     {0},
     0x66,
     "https://govshare.gov.au/ews/event/",
     true,
     {{"http://abs.gov.au/ASGS/LGA", "1", 4}, {"postcode", "2", 3}},
     {"Blue Mountains", "Hawkesbury", "Shoalhaven", "Tamworth Regional", "Armidale",
      "Clarence Valley"},
     "http://www.rfs.nsw.gov.au",
     "NSW RFS Bush Fire Information Line 1800 679 737",
     2,
     {{"FireDangerRating", "Extreme"}, {"AlertLevel", "Emergency Warning"}}},
};

const size_t kRegionCount = sizeof kRegions / sizeof kRegions[0];

}  // namespace capcast::bench
