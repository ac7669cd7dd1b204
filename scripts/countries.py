#!/usr/bin/python3
# scripts/countries.py -- writes data/countries.tsv, the country list of
# the "country" question (ISO 3166-1 alpha-2 code, Norwegian Bokmål name,
# English name), from Debian's iso-codes package and its nb translation.
# Run it again when iso-codes changes; summitd only reads the file.
import gettext
import json

with open('/usr/share/iso-codes/json/iso_3166-1.json', encoding='utf-8') as f:
    countries = json.load(f)['3166-1']
nb = gettext.translation('iso_3166-1', '/usr/share/locale', ['nb'])
print('# ISO 3166-1 countries: code, name in nb, name in en '
      '(scripts/countries.py)')
for c in sorted(countries, key=lambda c: c['alpha_2']):
    en = c.get('common_name', c['name'])
    print('%s\t%s\t%s' % (c['alpha_2'], nb.gettext(en) if en != c['name']
                          and nb.gettext(en) != en else nb.gettext(c['name']), en))
