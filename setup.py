"""Package setup: reads settings.ini (the nbdev 2 layout) without pkg_resources."""
import json, shutil
from configparser import ConfigParser
from pathlib import Path
import setuptools
from setuptools.command.build_py import build_py

cfg = ConfigParser(delimiters=['='])
cfg.read('settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

licenses = {'apache2': ('Apache Software License 2.0', 'OSI Approved :: Apache Software License')}
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable']
py_versions = ['3.10', '3.11', '3.12', '3.13']
lic = licenses[cfg['license']]
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
experiments_requirements = cfg.get('experiments_requirements', '').split()
docs_requirements = cfg.get('docs_requirements', '').split()
# `dev` is everything a contributor needs: the tests run the experiments and build the docs.
dev_requirements = sorted(set(cfg.get('dev_requirements', '').split() + experiments_requirements + docs_requirements))
console_scripts = cfg.get('console_scripts', '').split()


def experiment_notebooks(nbs='nbs'):
    "The notebooks of `nbs` with a cell tagged `parameters` (the experiments and benchmarks), read as JSON."
    tagged = lambda cell: 'parameters' in cell.get('metadata', {}).get('tags', [])
    cells = lambda path: json.loads(path.read_text(encoding='utf-8'))['cells']
    return [p for p in sorted(Path(nbs).glob('*.ipynb')) if any(map(tagged, cells(p)))]


class BuildWithExperiments(build_py):
    """Also copy the experiment notebooks (nbs/) and the sweep configs (configs/) into gumbel_rao/bundled/ of the build,
    so that an installed package runs them (`gumbel_rao.pipeline.runner.default_dir`). The clone keeps the only copy: an
    editable install reads the clone's own folders."""
    def run(self):
        super().run()
        if self.editable_mode: return
        bundled = Path(self.build_lib) / 'gumbel_rao' / 'bundled'
        shutil.rmtree(bundled, ignore_errors=True)
        for folder, files in [('nbs', experiment_notebooks()), ('configs', sorted(Path('configs').glob('*.yaml')))]:
            if not files: raise SystemExit(f'setup.py: nothing to bundle in {folder}/; build from a clone or its sdist')
            (bundled / folder).mkdir(parents=True)
            for f in files: shutil.copy2(f, bundled / folder / f.name)


setuptools.setup(
    cmdclass={'build_py': BuildWithExperiments},
    name=cfg['lib_name'],
    license=lic[0],
    classifiers=[
        'Development Status :: ' + statuses[int(cfg['status'])],
        'Intended Audience :: ' + cfg['audience'].title(),
        'License :: ' + lic[1],
        'Natural Language :: ' + cfg['language'].title(),
    ] + ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=['gumbel_rao', 'gumbel_rao.*']),
    include_package_data=True,
    install_requires=requirements,
    extras_require={'experiments': experiments_requirements, 'docs': docs_requirements, 'dev': dev_requirements},
    package_data={'gumbel_rao.data': ['files/*']},
    python_requires='>=' + min_python,
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    zip_safe=False,
    entry_points={'console_scripts': console_scripts, 'nbdev': [f"{cfg['lib_path']}={cfg['lib_path']}._modidx:d"]},
    version=cfg['version'],
    description=cfg['description'],
    author=cfg['author'],
    author_email=cfg['author_email'],
    keywords=cfg['keywords'],
)
