-- The demo event: "Digitalt toppmøte om KI", the LO/NHO roundtable.
-- Loaded by `summitctl load-demo`; does nothing if the event already exists,
-- so running it again keeps what attendees have registered.
DO $demo$
DECLARE
	ev bigint;
	s1 bigint;
	s2 bigint;
	s3 bigint;
BEGIN
	IF EXISTS (SELECT 1 FROM event WHERE slug = 'ki-toppmote') THEN
		RETURN;
	END IF;

	INSERT INTO event (slug, name_nb, name_en, description_nb, description_en,
	    venue, timezone, starts_at, ends_at, registration_opens,
	    registration_closes, capacity, mailbox)
	VALUES ('ki-toppmote',
	    'Digitalt toppmøte om KI',
	    'Digital summit on AI',
	    'Et rundebord i Digitalt krafttak der næringsliv, akademia, fagbevegelsen og myndighetene møtes for å snakke om hvordan kunstig intelligens skal tas i bruk i norsk arbeidsliv – trygt, rettferdig og med de ansatte med på laget. NHO og LO er vertskap.',
	    'A roundtable in the Digitalt krafttak initiative where business, academia, the unions and government meet to discuss how artificial intelligence should be adopted in Norwegian working life – safely, fairly and with employees on board. Hosted by NHO and LO.',
	    'Folkets hus, Youngstorget, Oslo',
	    'Europe/Oslo',
	    '2027-03-11 09:00 Europe/Oslo', '2027-03-11 15:30 Europe/Oslo',
	    '2026-01-01 00:00 Europe/Oslo', '2027-03-04 23:59 Europe/Oslo',
	    150, 'toppmote@example.org')
	RETURNING id INTO ev;

	INSERT INTO sector (event_id, code, name_nb, name_en, position) VALUES
	    (ev, 'business', 'Næringsliv', 'Business', 1),
	    (ev, 'academia', 'Akademia', 'Academia', 2),
	    (ev, 'union', 'Fagbevegelsen', 'Unions', 3),
	    (ev, 'government', 'Offentlig sektor og myndigheter', 'Government', 4),
	    (ev, 'other', 'Annet', 'Other', 5);

	INSERT INTO slot (event_id, starts_at, ends_at) VALUES
	    (ev, '2027-03-11 09:30 Europe/Oslo', '2027-03-11 10:45 Europe/Oslo')
	    RETURNING id INTO s1;
	INSERT INTO slot (event_id, starts_at, ends_at) VALUES
	    (ev, '2027-03-11 11:15 Europe/Oslo', '2027-03-11 12:30 Europe/Oslo')
	    RETURNING id INTO s2;
	INSERT INTO slot (event_id, starts_at, ends_at) VALUES
	    (ev, '2027-03-11 13:30 Europe/Oslo', '2027-03-11 14:45 Europe/Oslo')
	    RETURNING id INTO s3;

	INSERT INTO session (event_id, slot_id, code, title_nb, title_en,
	    description_nb, description_en, room, capacity, tables, seats_per_table)
	VALUES
	(ev, s1, 'arbeidsliv', 'KI i arbeidslivet: medbestemmelse og tillitsvalgtes rolle',
	    'AI at work: co-determination and the role of shop stewards',
	    'Hvordan sikrer vi at de ansatte og tillitsvalgte er med når KI-verktøy innføres? Hovedavtalens kapittel om teknologi, erfaringer fra bedrifter og hva partene bør avtale.',
	    'How do we make sure employees and shop stewards are involved when AI tools are introduced? The Basic Agreement on technology, company experience and what the social partners should agree.',
	    'Store sal', 40, 5, 8),
	(ev, s1, 'offentlig', 'KI i offentlig sektor: bedre tjenester uten å miste tilliten',
	    'AI in the public sector: better services without losing trust',
	    'Saksbehandling, NAV, kommuner og helse: hvor gir KI gevinst i dag, og hvordan ivaretar vi forvaltningsloven, innsyn og likebehandling?',
	    'Case handling, welfare, municipalities and health: where does AI pay off today, and how do we uphold administrative law, transparency and equal treatment?',
	    'Sal 2', 30, 4, 8),
	(ev, s1, 'smb', 'Små og mellomstore bedrifter: fra nysgjerrighet til nytte',
	    'Small and medium businesses: from curiosity to value',
	    'Konkrete eksempler fra SMB-er som har tatt i bruk språkmodeller og maskinlæring, hva det kostet og hva de lærte.',
	    'Concrete examples from SMEs that adopted language models and machine learning, what it cost and what they learned.',
	    'Møterom Tranen', 20, 3, 7),
	(ev, s1, 'sprakmodeller', 'Norske språkmodeller og digital suverenitet',
	    'Norwegian language models and digital sovereignty',
	    'Trenger Norge egne språkmodeller? Om NorLLM, datatilgang, opphavsrett og hvem som eier grunnmuren.',
	    'Does Norway need its own language models? On national LLMs, data access, copyright and who owns the foundations.',
	    'Møterom Ørnen', 20, 3, 7),
	(ev, s2, 'kompetanse', 'Kompetanseløftet: opplæring for alle arbeidstakere',
	    'The skills boost: training for every worker',
	    'Hvordan når vi de som trenger det mest? Bransjeprogrammer, fagskoler, etter- og videreutdanning og arbeidsgivers ansvar.',
	    'How do we reach those who need it most? Industry programmes, vocational colleges, continuing education and the employer''s responsibility.',
	    'Store sal', 40, 5, 8),
	(ev, s2, 'etikk', 'Etikk og regulering: EUs KI-forordning i praksis',
	    'Ethics and regulation: the EU AI Act in practice',
	    'Hva betyr KI-forordningen for norske virksomheter? Risikoklasser, krav til høyrisikosystemer og tilsyn.',
	    'What does the AI Act mean for Norwegian organisations? Risk classes, requirements for high-risk systems and supervision.',
	    'Sal 2', 35, 5, 7),
	(ev, s2, 'helse', 'KI i helse og omsorg',
	    'AI in health and care',
	    'Bildediagnostikk, journalføring med tale og planlegging i omsorgstjenesten: gevinster, risiko og arbeidsmiljø.',
	    'Imaging diagnostics, speech-based record keeping and planning in care services: gains, risks and the working environment.',
	    'Møterom Tranen', 25, 4, 7),
	(ev, s2, 'personvern', 'Personvern og overvåking på arbeidsplassen',
	    'Privacy and surveillance in the workplace',
	    'Hvor går grensen for analyse av ansattes data? Arbeidsmiljøloven, GDPR og Datatilsynets erfaringer.',
	    'Where is the line for analysing employee data? Working environment law, GDPR and the Data Protection Authority''s experience.',
	    'Møterom Ørnen', 15, 2, 8),
	(ev, s3, 'produktivitet', 'Produktivitet og verdiskaping: hvem får gevinsten?',
	    'Productivity and value creation: who gets the gains?',
	    'Samfunnsøkonomer og partene om hvordan produktivitetsgevinster fra KI kan deles – lønn, arbeidstid og investeringer.',
	    'Economists and the social partners on how productivity gains from AI can be shared – wages, working hours and investment.',
	    'Store sal', 45, 6, 8),
	(ev, s3, 'sikkerhet', 'Cybersikkerhet og KI',
	    'Cybersecurity and AI',
	    'Angrep med KI, forsvar med KI: hva må virksomheter og myndigheter gjøre nå?',
	    'Attacks with AI, defence with AI: what must organisations and authorities do now?',
	    'Sal 2', 25, 4, 7),
	(ev, s3, 'forskning', 'Forskning og innovasjon: fra laboratorium til arbeidsplass',
	    'Research and innovation: from lab to workplace',
	    'Hvordan kommer forskningen raskere ut i bedriftene? Samarbeid mellom universiteter, næringsliv og fagbevegelse.',
	    'How does research reach companies faster? Collaboration between universities, business and the unions.',
	    'Møterom Tranen', 20, 3, 7),
	(ev, s3, 'baerekraft', 'Grønn KI: energibruk og bærekraft',
	    'Green AI: energy use and sustainability',
	    'Datasentre, energibruk og hvordan KI kan bidra til det grønne skiftet i industrien.',
	    'Data centres, energy use and how AI can support the green transition in industry.',
	    'Møterom Ørnen', 15, 2, 8);

	PERFORM summit_sync_places(ev);
END
$demo$;
