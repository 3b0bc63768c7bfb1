// Reference data for realistic Italian demo records: real cities with their province and CAP,
// surnames, business sectors, legal forms, streets, and a catalogue of products and services an
// Italian IT/consulting firm would invoice (descriptions in Italian, VAT from the Italian rates).

export interface DemoCity {
  city: string;
  province: string;
  cap: string;
}

export const DEMO_CITIES: readonly DemoCity[] = [
  { city: 'Milano', province: 'MI', cap: '20121' },
  { city: 'Roma', province: 'RM', cap: '00184' },
  { city: 'Torino', province: 'TO', cap: '10121' },
  { city: 'Napoli', province: 'NA', cap: '80133' },
  { city: 'Bologna', province: 'BO', cap: '40121' },
  { city: 'Firenze', province: 'FI', cap: '50123' },
  { city: 'Genova', province: 'GE', cap: '16121' },
  { city: 'Venezia', province: 'VE', cap: '30124' },
  { city: 'Verona', province: 'VR', cap: '37121' },
  { city: 'Padova', province: 'PD', cap: '35122' },
  { city: 'Brescia', province: 'BS', cap: '25121' },
  { city: 'Bergamo', province: 'BG', cap: '24121' },
  { city: 'Bari', province: 'BA', cap: '70121' },
  { city: 'Palermo', province: 'PA', cap: '90133' },
  { city: 'Catania', province: 'CT', cap: '95131' },
  { city: 'Trieste', province: 'TS', cap: '34121' },
  { city: 'Parma', province: 'PR', cap: '43121' },
  { city: 'Modena', province: 'MO', cap: '41121' },
  { city: 'Reggio Emilia', province: 'RE', cap: '42121' },
  { city: 'Perugia', province: 'PG', cap: '06121' },
  { city: 'Ancona', province: 'AN', cap: '60121' },
  { city: 'Pescara', province: 'PE', cap: '65121' },
  { city: 'Cagliari', province: 'CA', cap: '09124' },
  { city: 'Trento', province: 'TN', cap: '38122' },
  { city: 'Bolzano', province: 'BZ', cap: '39100' },
  { city: 'Udine', province: 'UD', cap: '33100' },
  { city: 'Vicenza', province: 'VI', cap: '36100' },
  { city: 'Treviso', province: 'TV', cap: '31100' },
  { city: 'Como', province: 'CO', cap: '22100' },
  { city: 'Monza', province: 'MB', cap: '20900' },
  { city: 'Varese', province: 'VA', cap: '21100' },
  { city: 'Lecce', province: 'LE', cap: '73100' },
  { city: 'Salerno', province: 'SA', cap: '84121' },
  { city: 'Pisa', province: 'PI', cap: '56125' },
  { city: 'Livorno', province: 'LI', cap: '57123' },
  { city: 'Rimini', province: 'RN', cap: '47921' },
  { city: 'Ravenna', province: 'RA', cap: '48121' },
  { city: 'Ferrara', province: 'FE', cap: '44121' },
  { city: 'Novara', province: 'NO', cap: '28100' },
  { city: 'Alessandria', province: 'AL', cap: '15121' },
  { city: 'Cuneo', province: 'CN', cap: '12100' },
  { city: 'Lucca', province: 'LU', cap: '55100' },
  { city: 'Arezzo', province: 'AR', cap: '52100' },
  { city: 'Siena', province: 'SI', cap: '53100' },
  { city: 'Prato', province: 'PO', cap: '59100' },
  { city: 'Sassari', province: 'SS', cap: '07100' },
  { city: 'Messina', province: 'ME', cap: '98122' },
  { city: 'Reggio Calabria', province: 'RC', cap: '89127' },
  { city: 'Cosenza', province: 'CS', cap: '87100' },
  { city: 'Taranto', province: 'TA', cap: '74121' },
  { city: 'Foggia', province: 'FG', cap: '71121' },
  { city: "L'Aquila", province: 'AQ', cap: '67100' },
  { city: 'Potenza', province: 'PZ', cap: '85100' },
  { city: 'Campobasso', province: 'CB', cap: '86100' },
  { city: 'Aosta', province: 'AO', cap: '11100' },
];

export const DEMO_SURNAMES: readonly string[] = [
  'Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco',
  'Bruno', 'Gallo', 'Conti', 'De Luca', 'Mancini', 'Costa', 'Giordano', 'Rizzo', 'Lombardi', 'Moretti',
  'Barbieri', 'Fontana', 'Santoro', 'Mariani', 'Rinaldi', 'Caruso', 'Ferrara', 'Galli', 'Martini', 'Leone',
  'Longo', 'Gentile', 'Martinelli', 'Vitale', 'Lombardo', 'Serra', 'Coppola', 'De Santis', "D'Angelo", 'Marchetti',
  'Parisi', 'Villa', 'Conte', 'Ferraro', 'Ferri', 'Fabbri', 'Bianco', 'Marini', 'Grasso', 'Valentini',
  'Messina', 'Sala', 'De Angelis', 'Gatti', 'Pellegrini', 'Palumbo', 'Sanna', 'Farina', 'Rizzi', 'Monti',
];

export const DEMO_SECTORS: readonly string[] = [
  'Impianti', 'Costruzioni', 'Meccanica', 'Logistica', 'Trasporti', 'Arredamenti', 'Informatica', 'Consulting',
  'Alimentari', 'Tessile', 'Elettronica', 'Serramenti', 'Ceramiche', 'Arti Grafiche', 'Automazioni', 'Servizi',
  'Ingegneria', 'Distribuzione', 'Carpenteria', 'Materie Plastiche', 'Packaging', 'Termoidraulica', 'Edilizia', 'Vini',
];

export const DEMO_REGION_WORDS: readonly string[] = [
  'Lombarda', 'Veneta', 'Emiliana', 'Toscana', 'Piemontese', 'Ligure', 'Adriatica', 'Tirrenica', 'Italiana',
  'Padana', 'Mediterranea', 'Alpina', 'Friulana', 'Sarda', 'Pugliese', 'Sicula',
];

export const DEMO_STUDIO_KINDS: readonly string[] = [
  'Studio Legale', 'Studio Commercialista', 'Studio Tecnico', 'Studio Associato', 'Studio Notarile', 'Studio Dentistico', 'Studio di Architettura',
];

export const DEMO_STREETS: readonly string[] = [
  'Via Roma', 'Via Garibaldi', 'Via Mazzini', 'Corso Italia', 'Via Dante Alighieri', 'Viale della Repubblica', 'Via Marconi',
  'Via Matteotti', 'Piazza Cavour', 'Via Verdi', 'Via XX Settembre', "Via dell'Industria", "Via dell'Artigianato", 'Via Torino',
  'Via Milano', 'Corso Vittorio Emanuele II', 'Via Cesare Battisti', 'Via Nazionale', 'Viale Europa', 'Via dei Mille',
];

export const DEMO_PEC_DOMAINS: readonly string[] = ['pec.it', 'legalmail.it', 'arubapec.it', 'pec.confcommercio.it'];

export interface DemoProduct {
  code: string;
  description: string;
  unitPriceCents: number;
  vatRate: number;
  unit: string;
  category: string;
  isService: boolean;
  /** Typical quantity range on one invoice line. */
  qty: readonly [number, number];
}

export const DEMO_PRODUCTS: readonly DemoProduct[] = [
  { code: 'CONS-ORA', description: 'Consulenza tecnica specialistica', unitPriceCents: 8_500, vatRate: 22, unit: 'ora', category: 'Consulenza', isService: true, qty: [4, 40] },
  { code: 'SVIL-GG', description: 'Sviluppo software su commessa (giornata uomo)', unitPriceCents: 45_000, vatRate: 22, unit: 'gg', category: 'Sviluppo', isService: true, qty: [2, 20] },
  { code: 'ANALISI', description: 'Analisi dei requisiti e stesura del documento funzionale', unitPriceCents: 120_000, vatRate: 22, unit: 'pz', category: 'Consulenza', isService: true, qty: [1, 2] },
  { code: 'MANUT-MESE', description: 'Canone di manutenzione applicativa mensile', unitPriceCents: 60_000, vatRate: 22, unit: 'mese', category: 'Manutenzione', isService: true, qty: [1, 3] },
  { code: 'ASSIST-ORA', description: 'Intervento di assistenza tecnica presso la sede del cliente', unitPriceCents: 9_000, vatRate: 22, unit: 'ora', category: 'Assistenza', isService: true, qty: [2, 16] },
  { code: 'HOST-ANNO', description: 'Hosting e gestione server dedicato (canone annuale)', unitPriceCents: 180_000, vatRate: 22, unit: 'anno', category: 'Cloud', isService: true, qty: [1, 1] },
  { code: 'BACKUP-MESE', description: 'Servizio di backup in cloud (canone mensile)', unitPriceCents: 4_900, vatRate: 22, unit: 'mese', category: 'Cloud', isService: true, qty: [1, 12] },
  { code: 'LIC-GEST', description: 'Licenza software gestionale (12 mesi)', unitPriceCents: 60_000, vatRate: 22, unit: 'pz', category: 'Licenze', isService: false, qty: [1, 5] },
  { code: 'SEO-CAMP', description: 'Campagna SEO e posizionamento sui motori di ricerca', unitPriceCents: 95_000, vatRate: 22, unit: 'pz', category: 'Marketing', isService: true, qty: [1, 1] },
  { code: 'GRAFICA', description: 'Progettazione grafica del logo e immagine coordinata', unitPriceCents: 150_000, vatRate: 22, unit: 'pz', category: 'Marketing', isService: true, qty: [1, 1] },
  { code: 'SITO-WEB', description: 'Realizzazione sito web istituzionale responsive', unitPriceCents: 350_000, vatRate: 22, unit: 'pz', category: 'Sviluppo', isService: true, qty: [1, 1] },
  { code: 'AUDIT-GDPR', description: 'Audit di sicurezza informatica e adeguamento GDPR', unitPriceCents: 250_000, vatRate: 22, unit: 'pz', category: 'Consulenza', isService: true, qty: [1, 1] },
  { code: 'FORM-GG', description: "Formazione del personale (giornata d'aula, esente art. 10 DPR 633/72)", unitPriceCents: 70_000, vatRate: 0, unit: 'gg', category: 'Formazione', isService: true, qty: [1, 5] },
  { code: 'NB-I7', description: 'Notebook 15,6" Intel Core i7, 16 GB RAM, SSD 512 GB', unitPriceCents: 110_000, vatRate: 22, unit: 'pz', category: 'Hardware', isService: false, qty: [1, 8] },
  { code: 'MON-27', description: 'Monitor LED 27" QHD con regolazione in altezza', unitPriceCents: 28_000, vatRate: 22, unit: 'pz', category: 'Hardware', isService: false, qty: [1, 10] },
  { code: 'STAMP-MF', description: 'Stampante multifunzione laser a colori A4', unitPriceCents: 42_000, vatRate: 22, unit: 'pz', category: 'Hardware', isService: false, qty: [1, 3] },
  { code: 'CABL-RETE', description: 'Materiale di consumo e cablaggio di rete Cat. 6', unitPriceCents: 4_500, vatRate: 22, unit: 'pz', category: 'Hardware', isService: false, qty: [2, 30] },
  { code: 'MANUALI', description: 'Manuali tecnici e pubblicazioni specialistiche', unitPriceCents: 3_500, vatRate: 4, unit: 'pz', category: 'Editoria', isService: false, qty: [1, 10] },
  { code: 'CATERING', description: 'Servizio catering per evento formativo', unitPriceCents: 2_500, vatRate: 10, unit: 'pers', category: 'Eventi', isService: true, qty: [8, 40] },
  { code: 'TRASFERTA', description: 'Rimborso spese di trasferta (viaggio e alloggio)', unitPriceCents: 15_000, vatRate: 22, unit: 'pz', category: 'Spese', isService: true, qty: [1, 3] },
];
