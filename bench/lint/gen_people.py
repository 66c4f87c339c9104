#!/usr/bin/env python3
"""Writes a people directory of N distinct names (default 10,000), as a plain
list (people.txt) and as a CSV export of users (people.csv), from multilingual
given and family names. Deterministic: the same seed gives the same files."""
import argparse
import csv
import random

GIVEN = """Aarav Abena Abdullah Ada Adaeze Adebayo Aditi Agnieszka Ahmed Aiko Aisha Akira Alejandro Aleksandra Ali
Alina Amara Amina Amir Ana Anders Andrea Andrei Anika Anja Ankit Anna Antoine Anton Arjun Astrid Aylin Ayumi Bartosz
Beatriz Bilal Bjorn Bogdan Bruno Camila Carla Carlos Carmen Catalina Chen Chidi Chioma Chloe Clara Dae-jung Daniel
Daniela Darius Dawit Deepak Diego Dimitri Dmitri Efua Elena Elif Elias Emeka Emil Emma Emre Enrique Erik Esther
Fatima Felipe Felix Fernando Filip Fiona Florian Francesca Gabriel Giorgio Giulia Gonzalo Greta Guillaume Gustavo
Hamid Hana Hannah Haruto Hassan Helena Hiroshi Hugo Ibrahim Ifeoma Igor Ilya Ines Ingrid Irina Isabel Ivan Jakub
Jana Javier Jens Jin Joao Johan Jonas Jorge Jose Julia Julian Jun Kaito Kamal Karim Kasia Katarzyna Kemal Kenji
Khalid Kofi Kwame Lakshmi Lars Laura Layla Leah Lena Leon Lin Linh Lorenzo Lucas Lucia Luis Lukas Magnus Malik
Marco Maria Mariam Marta Martin Mateo Matteo Mehmet Mei Mia Miguel Mikhail Min-jun Minh Mohammed Nadia Naomi
Natalia Nia Nikhil Nikolai Nina Noor Nora Oksana Olga Oliver Omar Oscar Pablo Paolo Pavel Pedro Petra Pooja Priya
Rafael Rahul Raj Rania Raquel Ravi Reza Ricardo Rohan Rosa Ruth Sakura Salma Samir Sandra Sanjay Sara Satoshi
Sebastian Selin Sergei Shirin Siddharth Sipho Sofia Sophie Soren Stefan Sunil Svetlana Takeshi Tamar Tanvir Thabo
Thandiwe Tobias Tomasz Tendai Ulrich Valentina Vera Victor Vikram Vivek Wei Wojciech Xavier Xin Yael Yasmin Yosef
Yuki Yusuf Zainab Zara Zeynep Zofia Anh Thao Duc Budi Siti Dewi Agus Putri Ayu Nurul Burak Cem Hakan Leyla Mehdi
Parisa Dariush Negar Itai Eitan Moshe Rivka Goran Milan Nikola Dragan Jelena Ivana Marko Radu Ioana Mihai Andreea
Vlad Mikko Antti Juha Pekka Sanna Aino Eero Jukka Kaisa Tiina Arvid Sigrid Ingeborg Oluwaseun Olumide Chiamaka Yaw
Kwabena Amani Baraka Wanjiru Jabari Zuri Lerato""".split()

FAMILY = """Abara Abe Acheampong Adeyemi Agarwal Ahmadi Akhtar Alvarez Amoah Andersen Antonelli Arslan Asante Baptiste
Barros Bauer Becker Bekova Bianchi Borges Brandt Castillo Cavalcanti Celik Chatterjee Chen Chowdhury Ciobanu
Costa Cruz Dahl Das Demir Dimitrov Dogan Dubois Duarte Edvardsen Eze Farah Fernandes Fischer Fonseca Fujita
Garcia Georgiou Ghosh Gomez Gonzalez Gupta Haddad Hakimi Halvorsen Hansen Hashemi Herrera Hoang Horvat Hosseini
Huang Ibrahim Ito Ivanova Iyer Jansen Jensen Jovanovic Kaya Kim Kobayashi Kovac Kovalenko Kowalski Kozlov Kumar
Larsen Laurent Lefebvre Lehmann Li Lima Lindqvist Liu Lopez Makoa Mahlangu Martins Matsumoto Mazur Mbeki Mehta
Mendes Menon Mensah Moreau Morozov Mukherjee Muller Nakamura Nascimento Ndlovu Nguyen Nielsen Nkosi Novak Nowak
Nunes Obi Odhiambo Okafor Okonkwo Oliveira Onyango Ortiz Osei Ozturk Papadopoulos Park Pereira Perez Petrov
Pham Popescu Quist Rahman Ramos Rao Reddy Reyes Ribeiro Richter Rossi Romano Rodrigues Sahin Sato Schmidt
Schneider Schulz Shah Sharma Silva Singh Sokolova Suzuki Takahashi Tanaka Teixeira Tran Tshabalala Vargas
Vasquez Virtanen Volkov Wagner Wang Weber Wojcik Wu Yamamoto Yang Yilmaz Yoshida Zhang Zhao Zhou Zielinski
Achterberg Bakshi Chaudhary Dlamini Esposito Fraser Gallagher Halloran Iqbal Jaramillo Kapoor Lindgren Moyo
Nakashima Oyelaran Pellegrini Quinteros Rasmussen Santos Takeda Urquhart Varga Whitfield Xu Yadav Zapata""".split()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", default=".")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    names = set()
    while len(names) < a.n:
        names.add(f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}")
    names = sorted(names)
    rng.shuffle(names)
    with open(f"{a.out}/people.txt", "w", encoding="utf-8") as f:
        for n in names:
            f.write(n + "\n")
    teams = ["platform", "payments", "identity", "sre", "security", "data", "support", "mobile"]
    with open(f"{a.out}/people.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "email", "name", "team", "roles"])
        for i, n in enumerate(names, 1):
            email = n.lower().replace(" ", ".") + f".{i}@example.org"
            w.writerow([i, email, n, rng.choice(teams), "reporter"])
    print(f"wrote {len(names)} people to {a.out}/people.txt and people.csv")


if __name__ == "__main__":
    main()
